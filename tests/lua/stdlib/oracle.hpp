// The real interpreters' globals and library keys, read at test time (the stdlib tables' oracle).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "lang/lua/syntax/version.hpp"

namespace moonring::lua::test {

struct InterpreterGlobals {
  std::map<std::string, std::string> types;             // global name -> type() of its value
  std::map<std::string, std::set<std::string>> fields;  // table global -> its string keys
  std::map<std::string, std::string> field_types;       // "math.pi" -> "number"
  bool has_standalone_arg = false;  // run by the standalone interpreter (which sets `arg`)
  std::string source;               // what ran: "lua5.4", "liblua5.3.so.0"
};

// Runs the installed interpreter of `version` (lua5.1, lua5.4 as programs; liblua5.3 and LuaJIT
// through their shared libraries); nullopt when that version is not installed here.
std::optional<InterpreterGlobals> interpreter_globals(LuaVersion version);

}  // namespace moonring::lua::test
