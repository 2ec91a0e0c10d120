// Coalescing: the events of one burst merged into what changed between its start and its end
// (a file written in ten writes is one "changed"; created then deleted is nothing).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "workspace/watch/event.hpp"

namespace moonring::workspace {

class Coalescer {
 public:
  void add(WatchEvent event);
  bool empty() const { return entries_.empty(); }
  // The merged events, in the order their paths first appeared; leaves the coalescer empty.
  std::vector<WatchEvent> take();

 private:
  // Per file: did it exist before the burst, does it now. A rename, a folder event or a rescan
  // is kept as it came, unless a file it names has merged state (then it is taken apart).
  struct Entry {
    WatchEvent passthrough;
    bool is_file_state = false;
    bool existed_before = false;
    bool exists_now = false;
  };
  Entry* file_state(const std::string& path);
  void add_file(ChangeKind kind, std::string path);

  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> by_path_;
};

}  // namespace moonring::workspace
