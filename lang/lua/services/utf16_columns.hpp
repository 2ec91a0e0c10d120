// The UTF-16 columns of a file's diagnostics (LSP and SARIF positions), in time linear in the
// file however long its lines: a column far into a line is counted from a checkpoint of that
// line, not from its start (a 4 MB line with a million diagnostics cost a scan of the line each).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua {

class Utf16Columns {
 public:
  explicit Utf16Columns(const Tree& tree) : tree_(tree) {}

  // The 0-based UTF-16 column of a 1-based line and byte column, under workspace/documents'
  // decoding rule (a column inside a code point rounds down to its start).
  std::uint32_t column(LineCol at);

  // Bytes decoded so far: the work done, which tests bound.
  std::uint64_t bytes_scanned() const { return scanned_; }

  // Checkpoints are this many bytes apart; a column nearer its line's start is counted from it.
  static constexpr std::uint32_t kStride = 256;

 private:
  struct Checkpoint {
    std::uint32_t offset;  // a code point boundary of the line
    std::uint32_t units;   // UTF-16 units from the line's start to `offset`
  };
  std::uint32_t units(std::uint32_t from, std::uint32_t to);

  struct LongLine {
    bool ascii = false;  // every byte of the line is ASCII: a column is its byte offset
    std::vector<Checkpoint> marks;
  };

  const Tree& tree_;
  // Per line longer than kStride that a column fell far into: whether it is ASCII (checked once),
  // else its checkpoints, extended on demand.
  std::unordered_map<std::uint32_t, LongLine> long_lines_;
  std::uint32_t last_line_ = 0;  // the line of last_ (lines are 1-based)
  LongLine* last_ = nullptr;
  std::uint64_t scanned_ = 0;
};

}  // namespace moonring::lua
