// Walking the syntax tree without parent links: a node's children in source order, and the chain
// of nodes that cover an offset (the root first).
#pragma once

#include <cstdint>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// Appends the direct children of `id` to `out`, in source order (absent parts skipped).
void append_children(const Tree& tree, NodeId id, std::vector<NodeId>& out);

// The nodes whose range holds `offset` (start <= offset < end), from the root Block down to the
// innermost one. An offset at a node's end counts only when `at_end` is set (a cursor just after a
// name). Empty for a tree without a root.
std::vector<NodeId> path_at(const Tree& tree, std::uint32_t offset, bool at_end = false);

// Whether `r` holds `offset` (with `at_end`: also at its end).
inline bool covers(Range r, std::uint32_t offset, bool at_end = false) {
  return r.start <= offset && (offset < r.end || (at_end && offset == r.end));
}

}  // namespace moonring::lua::query
