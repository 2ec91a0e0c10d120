// The quick fix for an undefined global: declare it in the workspace's `.luarc.json`
// (diagnostics.globals, LuaLS's key), so that every file may read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// The name of the global accessed at `offset` (inside or at the end of its name).
std::optional<std::string> global_at(const Tree& tree, const FileBinding& binding,
                                     std::uint32_t offset);

// The text of a `.luarc.json` that declares `name` too: `text` with it appended to
// diagnostics.globals (or to a flat "diagnostics.globals" key), other keys kept in their order;
// a new file's text when `text` is nullopt. Nullopt when `text` is not a plain JSON object (JSONC
// comments would be lost: the fix is not offered) or already declares `name`.
std::optional<std::string> luarc_with_global(std::optional<std::string_view> text,
                                             std::string_view name);

}  // namespace moonring::lua::query
