// Parsing the Lua version names that configuration files use.
#include "lang/lua/syntax/version.hpp"

#include <cctype>
#include <string>

namespace moonring::lua {

std::optional<LuaVersion> parse_lua_version(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (s.starts_with("luajit") || s == "jit") return LuaVersion::LuaJIT;
  if (s.starts_with("lua")) s.erase(0, 3);
  if (s == "5.1") return LuaVersion::Lua51;
  if (s == "5.2") return LuaVersion::Lua52;
  if (s == "5.3") return LuaVersion::Lua53;
  if (s == "5.4") return LuaVersion::Lua54;
  return std::nullopt;
}

std::string_view lua_version_name(LuaVersion v) {
  switch (v) {
    case LuaVersion::Lua51:
      return "Lua 5.1";
    case LuaVersion::Lua52:
      return "Lua 5.2";
    case LuaVersion::Lua53:
      return "Lua 5.3";
    case LuaVersion::Lua54:
      return "Lua 5.4";
    case LuaVersion::LuaJIT:
      return "LuaJIT";
  }
  return "Lua 5.4";
}

}  // namespace moonring::lua
