// Parsing a Lua chunk: the tree plus every syntax and compile error, the first one exactly as
// luac's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/tree.hpp"
#include "lang/lua/syntax/version.hpp"

namespace moonring::lua {

// What kind of compile error it is, so that diagnostics need not match message text.
enum class SyntaxErrorKind : std::uint8_t {
  Syntax,       // grammar and lexer errors, limits, `...` outside a vararg function, `break`
                // outside a loop, unknown attribute, multiple <close>
  Goto,         // no visible label for goto, jump into the scope of a local, label already defined
  AssignConst,  // attempt to assign to const variable 'x'
};

// One error. `message` reads like luac's without the "chunk:line:" prefix, e.g.
// "'end' expected (to close 'function' at line 3) near 'x'".
struct SyntaxError {
  std::uint32_t line = 1;    // 1-based; for the first error, the line luac reports
  std::uint32_t column = 1;  // 1-based byte column of `offset`
  std::uint32_t offset = 0;  // byte offset of the token where the error was found
  std::string message;
  SyntaxErrorKind kind = SyntaxErrorKind::Syntax;
  // End of the offending token. For Goto errors [offset, end_offset) is the label name of the
  // goto (or of the duplicate label); for AssignConst, the assigned name.
  std::uint32_t end_offset = 0;
};

struct ParseResult {
  Tree tree;
  // In source order of discovery. errors[0] is what `luac -p` reports (same verdict, same line);
  // the rest come from error recovery and may be consequences of the first.
  std::vector<SyntaxError> errors;
  bool ok() const { return errors.empty(); }
};

ParseResult parse(std::string_view source, LuaVersion version);
// The same, but the tree views `source` instead of copying it: `source` must outlive the tree
// (a checker that drops the tree before the loader's copy of the file saves a copy per file).
ParseResult parse_view(std::string_view source, LuaVersion version);

}  // namespace moonring::lua
