// The discovery walks of `moonring check`: one per path named on the command line, started as
// soon as the path is read, and one per workspace.library root. Every file found goes to the
// loader and into the feed at once, so the cores check the first files while the walks go on; the
// feed closes when the arguments are read and every walk is over.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/check/progress.hpp"
#include "workspace/discover/discover.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

namespace moonring::app {

class Walks {
 public:
  // Files reach the feed in batches: each push may wake a core, a context switch when the CPUs
  // are all busy (with --jobs 1, the walks share the core's CPU).
  static constexpr std::size_t kFeedBatch = 32;

  // `library_roots`: absolute, canonical paths. Files under them are library files: their walks
  // push them with lua::kLibraryFile, and the other walks leave them out.
  Walks(workspace::DiscoverOptions base, std::vector<std::string> library_roots, Loader& loader,
        FileFeed& feed, Progress& progress);
  ~Walks();

  // A walk of `path`: a checked path, or a library root (its files tagged as library files).
  void start(std::string_view path, bool library = false);
  // Walks of every library root.
  void start_library();
  // No path follows: once the last walk ends, so does the feed. Idempotent.
  void arguments_read();
  void join();

  struct Problem {
    workspace::DiscoverProblem problem;
    bool library;  // met walking a library root
  };
  // After join(): the problems met, in the order the walks started.
  std::vector<Problem> take_problems();

 private:
  struct Walk {
    std::thread thread;
    std::vector<workspace::DiscoverProblem> problems;
  };
  void run(Walk& w, workspace::DiscoverOptions options, bool library);
  bool under_library(std::string_view canonical_path) const;
  void release();

  workspace::DiscoverOptions base_;
  std::vector<std::string> library_roots_;
  Loader& loader_;
  FileFeed& feed_;
  Progress& progress_;
  std::vector<std::unique_ptr<Walk>> walks_;
  std::vector<bool> library_walk_;  // per walk, in walks_ order
  std::atomic<int> holds_{1};       // one per running walk, and one until the arguments are read
  bool arguments_read_ = false;
};

// The canonical absolute form of `path` (symbolic links resolved), or "" when it does not exist.
std::string canonical_path(const std::string& path);

}  // namespace moonring::app
