// The language service's persistent index (docs/cache.md): one workspace's file summaries in a
// persist::Store under the user's cache folder. A record's key is the file's content hash and the
// hash of what else shapes its summary (its path, whether it is a library file, the settings'
// fingerprint); the store's header carries moonring's version and build, so a summary is reused
// only where analysing the file again would give the same one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/summary.hpp"
#include "lang/lua/services/file_summary.hpp"
#include "workspace/discover/discover.hpp"
#include "workspace/persist/store.hpp"

namespace moonring::lua {

class SummaryCache {
 public:
  // A stamp is recorded only for a file last changed this long before the store was opened
  // (which is before any file of the load was read): a later write then moves its change time
  // past the recorded one, whatever the file system's timestamp granularity (ext4: a clock
  // tick; some: a second or two).
  static constexpr std::int64_t kStampMargin = 3'000'000'000;  // ns

  // The store of the workspace of `roots`, or null when caching is off (MOONRING_CACHE=off) or
  // there is no cache folder. MOONRING_CACHE_LIMIT_MB sets the folder's limit (default 256).
  // Blocking: maps a file.
  // `stamp_margin_ns`: how long before now a file must have last changed for put() to record
  // its stamp (kStampMargin; tests give less).
  static std::unique_ptr<SummaryCache> open(const std::vector<std::string>& roots,
                                            std::uint64_t settings_fingerprint,
                                            std::int64_t stamp_margin_ns = kStampMargin);

  // The summaries of `path` with content `text` when cached and intact. From any core.
  bool find(std::string_view path, std::string_view text, bool library, FileSummary& check,
            query::FileSummary& query) const;
  // The record of a file's content that an earlier load found under the same size and stamp,
  // so the file need not be read; none when the stamp is not known. From any thread.
  std::optional<persist::Key> unchanged(std::string_view path, bool library, std::uint64_t size,
                                        const workspace::FileStamp& stamp) const;
  // The summaries of the record `unchanged` gave, when intact. From any core.
  bool find(persist::Key content, FileSummary& check, query::FileSummary& query) const;
  // Records a file's fresh summaries for the next save, and with `stamp` (the file's, taken
  // before `text` was read) a record that lets the next load skip reading it, unless the file
  // changed too recently for its stamp to tell a later change apart (see kStampMargin).
  // From any core.
  void put(std::string_view path, std::string_view text, bool library, const FileSummary& check,
           const query::FileSummary& query, const workspace::FileStamp* stamp = nullptr,
           std::uint64_t size = 0);
  // Writes the store when it changed, then evicts least recently used workspaces past the
  // limit. Blocking; not beside find or put. The error says what could not be written.
  Result<void> save();

  // Why the file on disk was not used (empty when it was, or when it was only outdated: another
  // version's), and how many records were damaged.
  std::string_view damage() const {
    return store_.outdated() ? std::string_view() : std::string_view(store_.problem());
  }
  std::size_t damaged() const { return store_.damaged(); }

 private:
  persist::Key key(std::string_view path, std::string_view text, bool library) const;

  persist::Store store_;
  std::int64_t stamps_before_ns_ = 0;  // realtime at open, less kStampMargin
  std::string folder_;
  std::uint64_t limit_ = 0;
  std::uint64_t context_ = 0;
};

// What the configuration makes of files, as a hash: the roots, the bytes of their configuration
// files (.luacheckrc, .luarc.json) and the client's settings as sent. Blocking: reads files.
std::uint64_t settings_fingerprint(const std::vector<std::string>& roots,
                                   std::string_view client_settings);

// The version a store is written under: moonring's version, the codec's, and the running
// executable's identity (size and modification time), so a rebuilt binary never reads summaries
// an older analysis made.
std::string cache_version();

}  // namespace moonring::lua
