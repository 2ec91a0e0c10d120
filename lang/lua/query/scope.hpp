// Names in scope: the locals visible at an offset (innermost wins per name), and where a local's
// scope ends.
#pragma once

#include <cstdint>
#include <vector>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// The locals a name written at `offset` would see, one per spelling (the innermost), in
// declaration order. Read from the path of nodes above the offset, so it works on a tree with
// syntax errors and costs the statements of the enclosing blocks, not the file.
std::vector<LocalId> visible_locals(const Tree& tree, const FileBinding& binding,
                                    std::uint32_t offset);

// The range in which the local's name refers to it: from the end of its declaring statement (the
// name itself for a local function, a parameter or a loop variable) to the end of its block (the
// `until` condition included).
Range local_scope(const Tree& tree, const FileBinding& binding, LocalId id);

bool is_keyword(std::string_view word);

}  // namespace moonring::lua::query
