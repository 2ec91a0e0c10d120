// The Lua dialects moonring reads (5.1, 5.2, 5.3, 5.4, LuaJIT 2.1) and their names in
// configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace moonring::lua {

enum class LuaVersion : std::uint8_t { Lua51, Lua52, Lua53, Lua54, LuaJIT };

// "5.1" / "Lua 5.1" / "lua5.1" / "LuaJIT" / "luajit" (any case, surrounding blanks ignored).
std::optional<LuaVersion> parse_lua_version(std::string_view text);

// "Lua 5.4", "LuaJIT": the form LuaLS's runtime.version uses.
std::string_view lua_version_name(LuaVersion v);

// The language features that differ between dialects (LuaJIT 2.1 is 5.1 plus goto/labels,
// hex and \z / \x / \u{} escapes, and its numeric suffixes).
inline bool has_goto(LuaVersion v) {
  return v != LuaVersion::Lua51;
}
inline bool has_integers(LuaVersion v) {
  return v == LuaVersion::Lua53 || v == LuaVersion::Lua54;
}
inline bool has_bitwise_ops(LuaVersion v) {
  return has_integers(v);
}
inline bool has_attribs(LuaVersion v) {
  return v == LuaVersion::Lua54;
}
inline bool has_hex_escape(LuaVersion v) {
  return v != LuaVersion::Lua51;
}
inline bool has_utf8_escape(LuaVersion v) {
  return v == LuaVersion::Lua53 || v == LuaVersion::Lua54 || v == LuaVersion::LuaJIT;
}
inline bool has_numeric_suffixes(LuaVersion v) {
  return v == LuaVersion::LuaJIT;
}

}  // namespace moonring::lua
