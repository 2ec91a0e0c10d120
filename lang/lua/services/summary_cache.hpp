// The language service's persistent index (docs/cache.md): one workspace's file summaries in a
// persist::Store under the user's cache folder. A record's key is the file's content hash and the
// hash of what else shapes its summary (its path, whether it is a library file, the settings'
// fingerprint); the store's header carries moonring's version and build, so a summary is reused
// only where analysing the file again would give the same one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/summary.hpp"
#include "lang/lua/services/file_summary.hpp"
#include "workspace/persist/store.hpp"

namespace moonring::lua {

class SummaryCache {
 public:
  // The store of the workspace of `roots`, or null when caching is off (MOONRING_CACHE=off) or
  // there is no cache folder. MOONRING_CACHE_LIMIT_MB sets the folder's limit (default 256).
  // Blocking: maps a file.
  static std::unique_ptr<SummaryCache> open(const std::vector<std::string>& roots,
                                            std::uint64_t settings_fingerprint);

  // The summaries of `path` with content `text` when cached and intact. From any core.
  bool find(std::string_view path, std::string_view text, bool library, FileSummary& check,
            query::FileSummary& query) const;
  // Records a file's fresh summaries for the next save. From any core.
  void put(std::string_view path, std::string_view text, bool library, const FileSummary& check,
           const query::FileSummary& query);
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
