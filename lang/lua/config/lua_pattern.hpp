// A matcher for Lua patterns (§6.4.1) without captures, for luacheck's ignore patterns.
#pragma once

#include <string_view>

namespace moonring::lua::config {

// True when `pattern` matches somewhere in `subject`, as string.find does: a leading '^' anchors
// the start, a trailing unescaped '$' the end. Supports '.', %-classes (%a %c %d %g %l %p %s %u
// %w %x and their complements), escapes, [sets] with ranges and '^', and * + - ?.
// Captures, %b and %f are not supported and never match.
bool lua_pattern_find(std::string_view pattern, std::string_view subject);

}  // namespace moonring::lua::config
