// Watching: inotify through the runtime. Every folder under the roots is watched (new folders
// as they appear); events on source files come out normalised and coalesced per burst.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"
#include "workspace/discover/ignore.hpp"
#include "workspace/watch/coalesce.hpp"
#include "workspace/watch/event.hpp"
#include "workspace/watch/source_filter.hpp"

namespace moonring::workspace {

struct WatchOptions {
  std::vector<std::string> roots;
  // Which files are sources, and what is left out, in the gitignore glob dialect (as in
  // DiscoverOptions; .gitignore files themselves are not read here).
  std::vector<std::string> associations{"*.lua"};
  std::vector<std::string> excludes;
  // A burst ends after this long without an event; its events are then merged and handed out.
  std::chrono::milliseconds quiet{50};
};

class Watcher {
 public:
  // Watches every folder under the roots; the registration walk runs on the blocking pool.
  // A root that cannot be watched is an error ("watch /x: No such file or directory").
  static Task<Result<Watcher>> open(WatchOptions options);

  Watcher(Watcher&&) noexcept = default;
  Watcher& operator=(Watcher&&) noexcept = default;
  ~Watcher() = default;  // the stream closes the descriptor, which drops every watch

  // The next burst: waits for an event, then until `quiet` passes without one, and returns the
  // merged events (never an empty list). Fails when the task's token is cancelled (the runtime
  // stops, a timeout) or reading fails. One call at a time, finished before the watcher goes.
  Task<Result<std::vector<WatchEvent>>> next();

  void close() { stream_.close(); }
  bool is_open() const { return stream_.is_open(); }
  std::size_t watched_folders() const { return dirs_.size(); }
  // Folders that could not be watched since the last call (permission, or the kernel's limit
  // on watches: fs.inotify.max_user_watches).
  std::vector<Error> take_problems() { return std::move(problems_); }

 private:
  struct Dir {
    std::string path;
    std::size_t root = 0;
  };
  struct Move {
    uint32_t cookie = 0;
    std::string path;
    std::size_t root = 0;
    bool directory = false;
  };
  struct ScanRequest {
    std::string path;
    std::size_t root = 0;
    bool report_files = true;
  };

  Watcher(int fd, WatchOptions options);
  bool relevant(const std::string& path, std::size_t root, bool is_dir) const;
  void process(const std::byte* data, std::size_t size, std::vector<ScanRequest>& scans);
  void on_dir_event(uint32_t mask, uint32_t cookie, std::string path, std::size_t root,
                    std::vector<ScanRequest>& scans);
  void on_file_event(uint32_t mask, uint32_t cookie, std::string path, std::size_t root);
  Task<void> scan(std::vector<ScanRequest> requests);
  void finish_moves();
  void forget_below(const std::string& path);
  void rename_below(const std::string& from, const std::string& to, std::size_t root);

  FdStream stream_;
  WatchOptions options_;
  SourceFilter filter_;
  std::unordered_map<int, Dir> dirs_;
  std::vector<Move> moves_;  // MOVED_FROM waiting for its MOVED_TO until the burst ends
  Coalescer burst_;
  std::chrono::steady_clock::time_point last_event_{};
  std::vector<Error> problems_;
};

}  // namespace moonring::workspace
