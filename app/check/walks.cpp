// The walks of `moonring check` (see walks.hpp).
#include "app/check/walks.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <utility>

#include "lang/lua/services/check_workspace.hpp"
#include "runtime/thread.hpp"

namespace moonring::app {

std::string canonical_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return {};
  std::string result(resolved);
  std::free(resolved);
  return result;
}

Walks::Walks(workspace::DiscoverOptions base, std::vector<std::string> library_roots,
             Loader& loader, FileFeed& feed, Progress& progress)
    : base_(std::move(base)),
      library_roots_(std::move(library_roots)),
      loader_(loader),
      feed_(feed),
      progress_(progress) {}

Walks::~Walks() {
  arguments_read();
  join();
}

void Walks::start(std::string_view path, bool library) {
  auto walk = std::make_unique<Walk>();
  Walk& w = *walk;
  walks_.push_back(std::move(walk));
  library_walk_.push_back(library);
  workspace::DiscoverOptions options = base_;
  options.roots = {std::string(path)};
  holds_.fetch_add(1, std::memory_order_relaxed);
  // Stop signals blocked: walks start before the runtime, whose signalfd must get them.
  w.thread = start_thread([this, &w, options = std::move(options), library]() mutable {
    run(w, std::move(options), library);
  });
}

void Walks::start_library() {
  for (const std::string& root : library_roots_) start(root, true);
}

void Walks::run(Walk& w, workspace::DiscoverOptions options, bool library) {
  // A checked path's files under a library root are the library walk's: the canonical form of
  // each is its root's canonical form joined with the rest of its path (discovery joins the root,
  // trailing slashes dropped, with what is below it).
  std::string root = options.roots.front();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::string canonical_root =
      library || library_roots_.empty() ? std::string() : canonical_path(root);
  const std::uint8_t tag = library ? lua::kLibraryFile : 0;
  std::vector<AsyncFile> batch;
  workspace::discover_files(
      options, {[&](workspace::DiscoveredFile&& f) {
                  if (!canonical_root.empty() &&
                      under_library(canonical_root + f.path.substr(root.size()))) {
                    return;
                  }
                  batch.push_back(loader_.load(std::move(f.path), f.size));
                  progress_.found();
                  if (batch.size() == kFeedBatch) feed_.push(batch, tag);
                },
                [&](workspace::DiscoverProblem&& p) { w.problems.push_back(std::move(p)); }});
  feed_.push(batch, tag);
  release();
}

bool Walks::under_library(std::string_view path) const {
  for (const std::string& root : library_roots_) {
    if (path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/')) {
      return true;
    }
  }
  return false;
}

void Walks::arguments_read() {
  if (!arguments_read_) {
    arguments_read_ = true;
    release();
  }
}

void Walks::join() {
  for (auto& w : walks_)
    if (w->thread.joinable()) w->thread.join();
}

std::vector<Walks::Problem> Walks::take_problems() {
  std::vector<Problem> all;
  for (std::size_t i = 0; i < walks_.size(); ++i)
    for (workspace::DiscoverProblem& p : walks_[i]->problems)
      all.push_back({std::move(p), library_walk_[i]});
  return all;
}

void Walks::release() {
  if (holds_.fetch_sub(1, std::memory_order_acq_rel) == 1) feed_.close();
}

}  // namespace moonring::app
