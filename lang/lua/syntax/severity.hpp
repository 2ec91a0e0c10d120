// How serious a finding is. The checker reports it and the configuration sets it; it lives in
// the base library of lang/lua so that both share one type.
#pragma once

#include <cstdint>
#include <string_view>

namespace moonring::lua {

enum class Severity : std::uint8_t { Error, Warning, Information, Hint };

// "error", "warning", "information", "hint".
std::string_view severity_name(Severity severity);

}  // namespace moonring::lua
