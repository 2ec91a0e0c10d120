// Selection ranges: the ranges of the nodes around an offset, innermost first.
#pragma once

#include <cstdint>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// From the name (or token's node) at the offset out to the whole file, each range holding the
// one before it, no two equal.
std::vector<Range> selection_ranges(const Tree& tree, std::uint32_t offset);

}  // namespace moonring::lua::query
