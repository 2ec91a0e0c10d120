// moonring's diagnostic codes and the codes of the tools whose configuration we read.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace moonring::lua::config {

// Every moonring diagnostic code (issue 6): "syntax-error", "undefined-global", ...
std::span<const std::string_view> moonring_codes();
bool is_moonring_code(std::string_view code);

// The moonring codes a LuaLS diagnostic name covers ("duplicate-index" -> duplicate-key); empty
// when moonring has no such check (LuaLS's type checks, "lowercase-global", ...). A moonring
// code written in a LuaLS list is taken as itself.
std::vector<std::string_view> codes_for_luals(std::string_view luals_code);

// The luacheck warning code ("211") a moonring code corresponds to, for matching luacheck's
// ignore patterns; several luacheck codes when one of ours covers a range (undefined-global:
// 111, 112, 113).
std::span<const std::string_view> luacheck_codes_for(std::string_view moonring_code);

}  // namespace moonring::lua::config
