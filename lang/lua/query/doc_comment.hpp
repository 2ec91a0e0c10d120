// The `---` doc comment block written right above a declaration.
#pragma once

#include <string>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// The lines of the `---` comments that end on the line just above the line of `decl` (each on a
// line of its own, no gap), without their `---` and one following blank, joined by '\n'. Empty
// when there are none.
std::string doc_comment(const Tree& tree, Range decl);

}  // namespace moonring::lua::query
