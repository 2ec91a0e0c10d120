// The documents the editor has open: open, change (full or range content changes, versions
// strictly increasing), close, and immutable snapshots for readers on any core.
//
// The store itself belongs to one core (the connection's) and is not thread-safe; snapshots
// are. A change edits the current snapshot in place when the store holds the only reference
// (one memmove of the text's tail plus the incremental line index update), and otherwise builds
// the next snapshot in one pass, leaving the one readers hold untouched.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"
#include "workspace/documents/position.hpp"
#include "workspace/documents/snapshot.hpp"

namespace moonring::workspace {

class DocumentStore {
 public:
  // `encoding` is the negotiated PositionEncoding the ranges of content changes are in.
  explicit DocumentStore(PositionEncoding encoding = PositionEncoding::utf16)
      : encoding_(encoding) {}

  PositionEncoding encoding() const noexcept { return encoding_; }
  void set_encoding(PositionEncoding encoding) noexcept { encoding_ = encoding; }

  // textDocument/didOpen. already_open if it is; too_large for 4 GiB or more.
  Result<SnapshotPtr> open(std::string uri, std::string language_id, int64_t version,
                           std::string text);

  // textDocument/didChange: `changes` in order, all or nothing. not_open, stale_version (the
  // version must be greater than the document's), past_end, inverted_range, too_large; on any
  // error the document is unchanged.
  Result<SnapshotPtr> change(std::string_view uri, int64_t version,
                             std::span<const ContentChange> changes);

  // textDocument/didClose. not_open if it is not. Snapshots handed out stay valid.
  Result<void> close(std::string_view uri);

  // The current snapshot; null when the document is not open.
  SnapshotPtr get(std::string_view uri) const;
  bool is_open(std::string_view uri) const { return docs_.find(uri) != docs_.end(); }
  // The open document of a local file, whichever way its URI was written ("file:///a%20b.lua"
  // and "file:///a b.lua" both name /a b.lua); null when none is open. A key that is a path
  // names itself. Of two open URIs naming one file, the first opened answers (the other once
  // it closes).
  SnapshotPtr get_by_path(std::string_view path) const;
  size_t size() const noexcept { return docs_.size(); }
  std::vector<std::string> uris() const;

 private:
  PositionEncoding encoding_;
  // Few documents are open at once; std::less<> lets lookups take a string_view.
  std::map<std::string, std::shared_ptr<Snapshot>, std::less<>> docs_;
  std::map<std::string, std::string, std::less<>> paths_;  // local path -> URI, open ones
  static std::optional<std::string> local_path(std::string_view uri);
};

}  // namespace moonring::workspace
