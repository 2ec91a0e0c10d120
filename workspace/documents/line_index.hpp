// The line index of a document: where each line starts, and which lines are pure ASCII (their
// positions convert without decoding). Lines end at \n, \r\n and \r, as LSP says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace moonring::workspace {

// Offsets are 32-bit: a document is smaller than 4 GiB (the store refuses larger ones).
class LineIndex {
 public:
  LineIndex() = default;  // the index of the empty text: one empty line
  explicit LineIndex(std::string_view text) { rebuild(text); }

  void rebuild(std::string_view text);

  // After the bytes [start, start + removed) of the old text were replaced by `inserted` bytes,
  // giving `text`. Rescans only the inserted bytes (and the byte after them, for a \r that now
  // meets a \n) and the lines they touch; the starts after the edit move by the size change.
  void update(std::string_view text, size_t start, size_t removed, size_t inserted);

  // At least 1: an empty text has one empty line, and a text ending in a line terminator has
  // an empty last line after it.
  size_t line_count() const noexcept { return starts_.size(); }
  size_t line_start(size_t line) const noexcept { return starts_[line]; }
  // Where the line's content ends: before its terminator (the text's end for the last line).
  size_t line_end(std::string_view text, size_t line) const noexcept;
  // The line that holds `offset` (a terminator belongs to the line it ends); offset <= size.
  size_t line_of(size_t offset) const noexcept;
  // True when the line has no byte >= 0x80: then every encoding counts one unit per byte.
  bool is_ascii(size_t line) const noexcept { return ascii_[line] != 0; }

  friend bool operator==(const LineIndex&, const LineIndex&) = default;

 private:
  static bool ascii_between(std::string_view text, size_t from, size_t to) noexcept;

  std::vector<uint32_t> starts_{0};
  std::vector<uint8_t> ascii_{1};
};

}  // namespace moonring::workspace
