// WorkspaceFiles (see workspace_files.hpp).
#include "workspace/files/workspace_files.hpp"

#include <algorithm>
#include <utility>

namespace moonring::workspace {

WorkspaceFiles::WorkspaceFiles(Loader& loader, const DocumentStore& documents, SourceFilter filter)
    : loader_(loader), documents_(documents), filter_(std::move(filter)) {}

namespace {

// Discovery gives 0 when it did not stat: unknown, for the loader.
std::size_t size_for_loader(const DiscoveredFile& f) {
  return f.size != 0 ? static_cast<std::size_t>(f.size) : kUnknownSize;
}

}  // namespace

std::vector<std::string> WorkspaceFiles::add(std::vector<DiscoveredFile> files) {
  Batch batch;
  std::vector<std::string> added;
  for (auto& f : files) {
    auto [it, inserted] = files_.try_emplace(f.path);
    if (!inserted) continue;  // known already (or named twice)
    added.push_back(f.path);
    batch.slots.push_back(&it->second);
    batch.requests.push_back({std::move(f.path), size_for_loader(f), Priority::background});
  }
  load_batch(std::move(batch));
  return added;
}

FileChanges WorkspaceFiles::sync(std::vector<DiscoveredFile> files) {
  FileChanges changes;
  auto by_path = [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.path < b.path; };
  std::sort(files.begin(), files.end(), by_path);
  files.erase(std::unique(files.begin(), files.end(),
                          [](const DiscoveredFile& a, const DiscoveredFile& b) {
                            return a.path == b.path;
                          }),
              files.end());
  std::vector<std::string> gone;
  for (const auto& [path, file] : files_) {
    auto it =
        std::lower_bound(files.begin(), files.end(), path,
                         [](const DiscoveredFile& f, const std::string& p) { return f.path < p; });
    if (it == files.end() || it->path != path) gone.push_back(path);
  }
  for (const auto& path : gone) forget(path, changes);
  // Every file again, in one queueing (a rescan follows lost events on a tree of any size).
  Batch batch;
  for (auto& f : files) {
    auto [it, inserted] = files_.try_emplace(f.path);
    if (!open_in_editor(it->first)) (inserted ? changes.added : changes.changed).push_back(f.path);
    batch.slots.push_back(&it->second);
    batch.requests.push_back({std::move(f.path), size_for_loader(f), Priority::background});
  }
  load_batch(std::move(batch));
  return changes;
}

void WorkspaceFiles::load_batch(Batch batch) {
  auto handles = loader_.load_many(std::move(batch.requests));
  for (std::size_t i = 0; i < handles.size(); ++i) *batch.slots[i] = std::move(handles[i]);
}

FileChanges WorkspaceFiles::apply(std::span<const WatchEvent> burst) {
  FileChanges changes;
  for (const WatchEvent& e : burst) {
    switch (e.kind) {
      case ChangeKind::created:
      case ChangeKind::changed:
        // The editor's events may name anything its watcher's glob matched.
        if (filter_.accepts(e.path, false)) load(e.path, kUnknownSize, Priority::urgent, changes);
        break;
      case ChangeKind::deleted:
        forget(e.path, changes);
        break;
      case ChangeKind::renamed:
        move(e.from, e.path, e.directory, changes);
        break;
      case ChangeKind::rescan:
        changes.rescan = true;
        break;
    }
  }
  return changes;
}

std::optional<SourceView> WorkspaceFiles::get(std::string_view path) const {
  SourceView view;
  view.document = documents_.get_by_path(path);
  auto it = files_.find(path);
  if (it != files_.end()) view.disk = it->second;
  if (!view.document && !view.disk.valid()) return std::nullopt;
  return view;
}

std::vector<std::string> WorkspaceFiles::paths() const {
  std::vector<std::string> out;
  out.reserve(files_.size());
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

bool WorkspaceFiles::open_in_editor(std::string_view path) const {
  return documents_.get_by_path(path) != nullptr;
}

void WorkspaceFiles::load(const std::string& path, std::size_t size, Priority priority,
                          FileChanges& changes) {
  // A new handle: readers holding the old one keep the content they have.
  AsyncFile file = loader_.load(path, size, priority);
  auto [it, inserted] = files_.insert_or_assign(path, std::move(file));
  if (open_in_editor(path)) return;  // readers see the editor's text, which did not change
  (inserted ? changes.added : changes.changed).push_back(it->first);
}

std::vector<std::string> WorkspaceFiles::forget(const std::string& path, FileChanges& changes) {
  std::vector<std::string> gone;
  // The path itself, then everything below it: "a/" up to "a0" ('0' follows '/').
  if (auto it = files_.find(path); it != files_.end()) {
    gone.push_back(path);
    files_.erase(it);
  }
  auto begin = files_.lower_bound(path + "/");
  auto end = files_.lower_bound(path + "0");
  for (auto it = begin; it != end; ++it) gone.push_back(it->first);
  files_.erase(begin, end);
  for (const auto& p : gone)
    if (!open_in_editor(p)) changes.removed.push_back(p);
  return gone;
}

void WorkspaceFiles::move(const std::string& from, const std::string& to, bool folder,
                          FileChanges& changes) {
  for (const auto& old_path : forget(from, changes)) {
    std::string new_path = to + old_path.substr(from.size());
    if (filter_.accepts(new_path, false)) load(new_path, kUnknownSize, Priority::urgent, changes);
  }
  // A file renamed onto a source name that was not known before (its old name was not one).
  if (!folder && !contains(to) && filter_.accepts(to, false))
    load(to, kUnknownSize, Priority::urgent, changes);
}

}  // namespace moonring::workspace
