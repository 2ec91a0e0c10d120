// The analyses of the last few files queried while the editor does not have them open (lsp/ reads
// such a file from disk at each request): a query on the same text re-uses its tree instead of
// parsing the file again. An entry answers only for the very same text and Lua version, so a file
// changed on disk (or a changed configuration) is analysed afresh, never answered from the old.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "lang/lua/check/check.hpp"
#include "workspace/documents/snapshot.hpp"

namespace moonring::lua {

class RecentAnalyses {
 public:
  explicit RecentAnalyses(std::size_t capacity) : capacity_(capacity) {}

  // The analysis of `document`'s text under `version`: the kept one when `path` was analysed
  // with that very text, else `analyse()`'s, kept in place of the least recently used.
  template <typename Analyse>
  std::shared_ptr<const FileAnalysis> get(const std::string& path,
                                          const workspace::SnapshotPtr& document,
                                          LuaVersion version, Analyse analyse) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->path != path) continue;
      if (it->version == version &&
          (it->document == document || it->document->text == document->text)) {
        entries_.splice(entries_.begin(), entries_, it);  // the most recent first
        return it->analysis;
      }
      entries_.erase(it);  // the file's text (or version) changed: that tree is stale
      break;
    }
    auto analysis = std::make_shared<const FileAnalysis>(analyse());
    entries_.push_front({path, document, version, analysis});
    if (entries_.size() > capacity_) entries_.pop_back();
    return analysis;
  }

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string path;
    workspace::SnapshotPtr document;  // the text the analysis was made of
    LuaVersion version;
    std::shared_ptr<const FileAnalysis> analysis;
  };
  std::size_t capacity_;
  std::list<Entry> entries_;  // a few: searched in order
};

}  // namespace moonring::lua
