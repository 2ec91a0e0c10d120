// The merge rules of a burst (see coalesce.hpp).
#include "workspace/watch/coalesce.hpp"

#include <utility>

namespace moonring::workspace {

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::created:
      return "created";
    case ChangeKind::changed:
      return "changed";
    case ChangeKind::deleted:
      return "deleted";
    case ChangeKind::renamed:
      return "renamed";
    case ChangeKind::rescan:
      return "rescan";
  }
  return "?";
}

Coalescer::Entry* Coalescer::file_state(const std::string& path) {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &entries_[it->second];
}

void Coalescer::add_file(ChangeKind kind, std::string path) {
  bool exists = kind != ChangeKind::deleted;
  if (Entry* e = file_state(path)) {
    e->exists_now = exists;
    return;
  }
  Entry e;
  e.is_file_state = true;
  e.existed_before = kind != ChangeKind::created;
  e.exists_now = exists;
  e.passthrough.path = std::move(path);
  by_path_.emplace(e.passthrough.path, entries_.size());
  entries_.push_back(std::move(e));
}

void Coalescer::add(WatchEvent event) {
  switch (event.kind) {
    case ChangeKind::created:
    case ChangeKind::changed:
    case ChangeKind::deleted:
      if (!event.directory) {
        add_file(event.kind, std::move(event.path));
        return;
      }
      break;
    case ChangeKind::renamed:
      // A rename of a file that this burst already touched: as the delete and the create it
      // amounts to, so "created a, renamed a -> b" ends as "created b".
      if (!event.directory && (file_state(event.from) || file_state(event.path))) {
        add_file(ChangeKind::deleted, std::move(event.from));
        add_file(ChangeKind::created, std::move(event.path));
        return;
      }
      break;
    case ChangeKind::rescan:
      break;
  }
  Entry e;
  e.passthrough = std::move(event);
  entries_.push_back(std::move(e));
}

std::vector<WatchEvent> Coalescer::take() {
  std::vector<WatchEvent> out;
  for (Entry& e : entries_) {
    if (!e.is_file_state) {
      out.push_back(std::move(e.passthrough));
      continue;
    }
    ChangeKind kind;
    if (e.existed_before && e.exists_now)
      kind = ChangeKind::changed;
    else if (e.exists_now)
      kind = ChangeKind::created;
    else if (e.existed_before)
      kind = ChangeKind::deleted;
    else
      continue;  // created and deleted within the burst: nothing happened
    out.push_back(WatchEvent{kind, std::move(e.passthrough.path), {}, false});
  }
  entries_.clear();
  by_path_.clear();
  return out;
}

}  // namespace moonring::workspace
