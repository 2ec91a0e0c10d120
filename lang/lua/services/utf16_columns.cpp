// Utf16Columns: a column is counted from the nearest checkpoint of its line at or before it.
#include "lang/lua/services/utf16_columns.hpp"

#include <algorithm>
#include <cstring>

#include "workspace/documents/convert.hpp"

namespace moonring::lua {

namespace {
bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A code point boundary at or just before `target` (at most 3 bytes before). The decoder only
// takes continuation bytes after a lead byte, so a byte that is no continuation starts a unit; and
// when the 3 bytes before `target` are continuations, no lead byte can reach over it.
std::uint32_t boundary_before(std::string_view text, std::uint32_t target) {
  if (target >= text.size()) return static_cast<std::uint32_t>(text.size());
  for (std::uint32_t back = 0; back <= 3 && back < target; ++back)
    if (!is_continuation(text[target - back])) return target - back;
  return target;
}
// No byte of `text` is above 0x7F, tested eight bytes at a time.
bool is_ascii(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if ((word & 0x8080808080808080u) != 0) return false;
  }
  for (; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) > 0x7F) return false;
  return true;
}
}  // namespace

std::uint32_t Utf16Columns::units(std::uint32_t from, std::uint32_t to) {
  scanned_ += to - from;
  return static_cast<std::uint32_t>(
      workspace::units_between(tree_.source(), from, to, workspace::PositionEncoding::utf16));
}

std::uint32_t Utf16Columns::column(LineCol at) {
  const std::uint32_t start = tree_.lines().line_start(at.line);
  const std::uint32_t offset = start + at.column - 1;
  if (offset - start <= kStride) return units(start, offset);
  if (at.line != last_line_) {  // diagnostics come in order: mostly the same line as the last
    last_ = &long_lines_[at.line];
    last_line_ = at.line;
    if (last_->marks.empty()) {
      const LineIndex& lines = tree_.lines();
      const std::uint32_t end =
          at.line < lines.line_count() ? lines.line_start(at.line + 1) : tree_.source().size();
      scanned_ += end - start;
      last_->ascii = is_ascii(tree_.source().substr(start, end - start));
      last_->marks.push_back({start, 0});
    }
  }
  if (last_->ascii) return offset - start;
  std::vector<Checkpoint>& marks = last_->marks;
  while (marks.back().offset + kStride <= offset) {
    const Checkpoint last = marks.back();
    const std::uint32_t next = boundary_before(tree_.source(), last.offset + kStride);
    marks.push_back({next, last.units + units(last.offset, next)});
  }
  const auto after =
      std::upper_bound(marks.begin(), marks.end(), offset,
                       [](std::uint32_t o, const Checkpoint& mark) { return o < mark.offset; });
  const Checkpoint& from = *(after - 1);  // marks[0] is the line's start, at or before `offset`
  return from.units + units(from.offset, offset);
}

}  // namespace moonring::lua
