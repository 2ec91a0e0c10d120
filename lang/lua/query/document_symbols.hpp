// The outline of a file: functions, locals, globals and table fields, nested as written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

enum class OutlineKind : std::uint8_t { Function, Method, Variable, Constant, Field, Module };

struct DocumentSymbol {
  std::string name;    // "f", "M.f", "M:m"
  std::string detail;  // "(a, b)" for a function, "local" / "global" for a variable
  OutlineKind kind = OutlineKind::Variable;
  Range range;                           // the whole declaration (statement or field)
  Range selection;                       // its name
  std::vector<DocumentSymbol> children;  // symbols inside a function body or a table constructor
};

// Top-level and nested symbols: function statements, local functions, locals (not those of
// loops), global assignments, named keys of table constructors (under the variable they
// initialise) and what is declared inside function bodies.
std::vector<DocumentSymbol> document_symbols(const Tree& tree, const FileBinding& binding);

}  // namespace moonring::lua::query
