// Conversion between byte offsets in a document's UTF-8 text and LSP positions in UTF-8, UTF-16
// or UTF-32 code units, under the decoding rule of utf8.hpp.
//
// Rules (docs/workspace.md, "Open documents and positions"):
// - A character past the end of its line clamps to the line's end (LSP: "defaults back to the
//   line length"); the line terminator is not part of the line.
// - A character that points into the middle of a code point (between the two UTF-16 units of a
//   surrogate pair, or inside a UTF-8 sequence) rounds down to the code point's start; so does
//   an offset inside a UTF-8 sequence or between the \r and \n of a \r\n (round down to the
//   line's end).
// - A line after the last line is an error (DocumentErrc::past_end), never clamped: an edit
//   there means the editor and moonring disagree about the document.
// So offset -> position -> offset returns every offset that starts a code point outside a line
// terminator, and position -> offset -> position every position inside its line at a code
// point boundary.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include "runtime/result.hpp"
#include "workspace/documents/line_index.hpp"
#include "workspace/documents/position.hpp"

namespace moonring::workspace {

// The position of `offset` (clamped to text.size()).
Position position_at(std::string_view text, const LineIndex& lines, size_t offset,
                     PositionEncoding encoding) noexcept;

// The byte offset of `position`; past_end when its line is after the last line.
Result<size_t> offset_at(std::string_view text, const LineIndex& lines, Position position,
                         PositionEncoding encoding);

// The byte range [first, second) of `range`; past_end as above, inverted_range when the range
// starts after it ends (compared as sent, before clamping).
Result<std::pair<size_t, size_t>> offsets_of(std::string_view text, const LineIndex& lines,
                                             Range range, PositionEncoding encoding);

// How many units of `encoding` the bytes [from, to) of one line take; `to` is rounded down to
// the start of the code point it falls in. Exposed for callers that measure spans of a line.
size_t units_between(std::string_view text, size_t from, size_t to,
                     PositionEncoding encoding) noexcept;

}  // namespace moonring::workspace
