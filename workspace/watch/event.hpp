// What watching reports: a file created, changed, deleted or renamed on disk, or that events
// were lost and the workspace must be rescanned. inotify and the editor's
// workspace/didChangeWatchedFiles both come out as these.
#pragma once

#include <string>
#include <string_view>

namespace moonring::workspace {

enum class ChangeKind { created, changed, deleted, renamed, rescan };
std::string_view to_string(ChangeKind kind);

struct WatchEvent {
  ChangeKind kind{};
  std::string path;        // the file (for renamed: its new path; for rescan: the root, or "")
  std::string from;        // renamed: the old path
  bool directory = false;  // a folder was deleted or renamed: everything below it went with it

  bool operator==(const WatchEvent&) const = default;
};

}  // namespace moonring::workspace
