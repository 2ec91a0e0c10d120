// The workspace's source files as the rest of moonring reads them. Each file has a disk side,
// loaded in the background by the Loader and loaded again when a change on disk is reported.
// While the editor has a file open, readers get the editor's document instead: an open document
// follows the editor, not the disk. Watch bursts, from inotify (Watcher) or from the editor's
// workspace/didChangeWatchedFiles (from_lsp_changes), are applied here the same way.
//
// Belongs to one thread (a core), like the DocumentStore it reads; the loads it starts run on
// the loader's threads.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workspace/discover/discover.hpp"
#include "workspace/documents/store.hpp"
#include "workspace/map/loader.hpp"
#include "workspace/watch/event.hpp"
#include "workspace/watch/source_filter.hpp"

namespace moonring::workspace {

// What a reader gets for one path: the editor's document while it is open, else the disk side.
struct SourceView {
  SnapshotPtr document;  // set while the editor has the file open
  AsyncFile disk;        // the loaded file; invalid for a document with no file on disk
  bool from_editor() const { return document != nullptr; }
};

// What a burst changed as readers see it (a change on disk to a file open in the editor changes
// nothing they see, and is not listed).
struct FileChanges {
  std::vector<std::string> added;    // new source files, loading
  std::vector<std::string> changed;  // loading again
  std::vector<std::string> removed;  // gone
  bool rescan = false;               // events were lost: rediscover and call sync()
  bool empty() const { return added.empty() && changed.empty() && removed.empty() && !rescan; }
};

class WorkspaceFiles {
 public:
  // `filter` decides which reported paths are source files (its roots, associations and
  // excludes: the ones discovery and the watcher use).
  WorkspaceFiles(Loader& loader, const DocumentStore& documents, SourceFilter filter);

  // Discovery's files, queued for loading in the order given; files already known stay as they
  // are. Returns the paths added.
  std::vector<std::string> add(std::vector<DiscoveredFile> files);
  // After a rescan, discovery's list is the truth: files not in it are removed, new ones added,
  // and every other known file is loaded again (events were lost: any of them may have changed).
  FileChanges sync(std::vector<DiscoveredFile> files);
  // One burst, in order. created/changed: loaded (again); a path the filter does not take, or
  // outside the roots, is ignored. deleted: the file and everything below the path are
  // forgotten. renamed: forgotten under the old name and loaded under the new (for a folder,
  // every known file below it). rescan: only sets FileChanges::rescan.
  FileChanges apply(std::span<const WatchEvent> burst);

  // What readers see for `path`, or nullopt when it is neither open nor a known file.
  std::optional<SourceView> get(std::string_view path) const;
  // A known file on disk (open or not).
  bool contains(std::string_view path) const { return files_.find(path) != files_.end(); }
  std::size_t size() const { return files_.size(); }
  std::vector<std::string> paths() const;  // sorted

 private:
  // Loads queued together (one load_many), each handle going to its place in files_.
  struct Batch {
    std::vector<LoadRequest> requests;
    std::vector<AsyncFile*> slots;
  };
  void load_batch(Batch batch);
  bool open_in_editor(std::string_view path) const;
  // Loads `path` (again); adds it to `changes` as added or changed.
  void load(const std::string& path, std::size_t size, Priority priority, FileChanges& changes);
  // Forgets `path` and every known file below it; returns them, listed in `removed`.
  std::vector<std::string> forget(const std::string& path, FileChanges& changes);
  // `from` (a file, or a folder and every known file below it) under the name `to`.
  void move(const std::string& from, const std::string& to, bool folder, FileChanges& changes);

  Loader& loader_;
  const DocumentStore& documents_;
  SourceFilter filter_;
  std::map<std::string, AsyncFile, std::less<>> files_;
};

}  // namespace moonring::workspace
