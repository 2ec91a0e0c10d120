// Folding ranges: blocks (functions, loops, if arms, do), multi-line tables and long strings,
// long comments and runs of line comments.
#pragma once

#include <cstdint>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

struct FoldingRange {
  enum Kind : std::uint8_t { Region, Comment };
  // From the construct's first byte to the start of its last line's closing token (`end`,
  // `until ...`, `}`, `]]`), so a client folding whole lines keeps the closing line: the server
  // sends startLine = line(start), endLine = line(end) - 1.
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  Kind kind = Region;
};

// Only ranges over at least two lines; sorted by start.
std::vector<FoldingRange> folding_ranges(const Tree& tree);

}  // namespace moonring::lua::query
