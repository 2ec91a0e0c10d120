// The standard library of each Lua version: global names, library fields and their signatures.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/version.hpp"

namespace moonring::lua::stdlib {

enum class Kind : std::uint8_t {
  Function,
  Library,  // a table of fields this module describes (string, math, ...)
  Table,    // a table whose contents are not fixed (_G, arg, package.loaded)
  String,
  Number,
  File,  // io.stdin, io.stdout, io.stderr
};

// A global or a library field as one version has it.
struct Member {
  std::string_view name;
  Kind kind;
  // False: documented in that version's reference manual (LuaJIT: its extensions page too).
  // True: present in the stock build only through compatibility options or undocumented
  // (5.4's math.pow, 5.1's table.getn and gcinfo).
  bool compat;
  // Parameters as the manual writes them, without the parentheses:
  // "chunk [, chunkname [, mode [, env]]]". Empty for non-functions and for "f ()".
  std::string_view params;
};

// Whether the compatibility names count. Code run by stock interpreters may use them.
enum class Compat : std::uint8_t { Include, Exclude };

// The globals of a version, sorted by name.
std::span<const Member> globals(LuaVersion version);
// The fields of a library table (`string`, `math`, ...), sorted by name; empty when `table` is not
// a library of that version.
std::span<const Member> fields(LuaVersion version, std::string_view table);

const Member* find_global(LuaVersion version, std::string_view name);
const Member* find_field(LuaVersion version, std::string_view table, std::string_view name);

inline bool is_global(LuaVersion version, std::string_view name, Compat compat = Compat::Include) {
  const Member* m = find_global(version, name);
  return m != nullptr && (compat == Compat::Include || !m->compat);
}
inline bool is_field(LuaVersion version, std::string_view table, std::string_view name,
                     Compat compat = Compat::Include) {
  const Member* m = find_field(version, table, name);
  return m != nullptr && (compat == Compat::Include || !m->compat);
}

// One parameter of a signature: "[, i [, j]]" gives i and j, both optional; "···" is a vararg.
struct Param {
  std::string_view name;
  bool optional = false;
  bool vararg = false;
};
std::vector<Param> parameters(std::string_view params);

inline constexpr LuaVersion kAllVersions[] = {
    LuaVersion::Lua51, LuaVersion::Lua52, LuaVersion::Lua53, LuaVersion::Lua54, LuaVersion::LuaJIT};

}  // namespace moonring::lua::stdlib
