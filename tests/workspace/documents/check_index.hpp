// A test helper: checks a LineIndex against the naive line split of reference.hpp.
#pragma once

#include <catch2/catch.hpp>

#include <string_view>

#include "tests/workspace/documents/reference.hpp"
#include "workspace/documents/line_index.hpp"

namespace moonring::workspace::reference {

// Starts, content ends and ASCII flags of every line; line_of for every offset when
// `every_offset` (quadratic in the naive form, so only for small texts).
inline void check_index(std::string_view text, const LineIndex& index, bool every_offset = true) {
  const auto lines = split_lines(text);
  REQUIRE(index.line_count() == lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i);
    REQUIRE(index.line_start(i) == lines[i].start);
    REQUIRE(index.line_end(text, i) == lines[i].end);
    const size_t to = i + 1 < lines.size() ? lines[i + 1].start : text.size();
    bool ascii = true;
    for (size_t k = lines[i].start; k < to; ++k) ascii &= static_cast<uint8_t>(text[k]) < 0x80;
    REQUIRE(index.is_ascii(i) == ascii);
  }
  if (!every_offset) return;
  size_t expected = 0;
  for (size_t offset = 0; offset <= text.size(); ++offset) {
    while (expected + 1 < lines.size() && lines[expected + 1].start <= offset) ++expected;
    REQUIRE(index.line_of(offset) == expected);
  }
}

}  // namespace moonring::workspace::reference
