// An immutable view of an open document at one version: its text, line index and the position
// conversions over them. Shared between cores as shared_ptr<const Snapshot>: a reader never sees
// a half-applied edit, because the store edits only a snapshot that nobody else holds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/result.hpp"
#include "workspace/documents/convert.hpp"
#include "workspace/documents/line_index.hpp"
#include "workspace/documents/position.hpp"

namespace moonring::workspace {

struct Snapshot {
  std::string uri;  // the store's key: a URI as the editor sent it, or a path
  std::string language_id;
  int64_t version = 0;
  std::string text;
  LineIndex lines;

  Position position_at(size_t offset, PositionEncoding encoding) const noexcept {
    return workspace::position_at(text, lines, offset, encoding);
  }
  Result<size_t> offset_at(Position position, PositionEncoding encoding) const {
    return workspace::offset_at(text, lines, position, encoding);
  }
  Result<std::pair<size_t, size_t>> offsets_of(Range range, PositionEncoding encoding) const {
    return workspace::offsets_of(text, lines, range, encoding);
  }
  // The line's content, without its terminator; line < lines.line_count().
  std::string_view line_text(size_t line) const noexcept {
    const size_t start = lines.line_start(line);
    return std::string_view(text).substr(start, lines.line_end(text, line) - start);
  }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// One LSP TextDocumentContentChangeEvent: the whole text when `range` is empty, otherwise the
// range (in the store's encoding) replaced by `text`. The text is only read during the call.
struct ContentChange {
  std::optional<Range> range;
  std::string_view text;
};

// Largest document: offsets are 32-bit.
inline constexpr size_t max_document_size = 0xFFFFFFFEu;

// Applies `changes` in order to `doc`, which nobody else may hold (the store makes sure). All or
// nothing: when a change fails (past_end, inverted_range, too_large) the changes before it are
// undone and `doc` is as it was. Errors name `doc.uri` and the failing change's index.
Result<void> apply_changes(Snapshot& doc, std::span<const ContentChange> changes,
                           PositionEncoding encoding);

// A copy of `doc` with `changes` applied, built in one pass over the text for the first range
// change (prefix, new text, suffix) rather than a copy then a splice. `doc` is left alone.
Result<std::shared_ptr<Snapshot>> with_changes(const Snapshot& doc,
                                               std::span<const ContentChange> changes,
                                               PositionEncoding encoding);

}  // namespace moonring::workspace
