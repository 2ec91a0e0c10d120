// The inotify watcher (see watcher.hpp). One task reads the descriptor through the core's
// backend (blocking descriptor for io_uring, non-blocking for the Asio backend, as pipes are);
// new folders are listed and watched on the blocking pool.
#include "workspace/watch/watcher.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <utility>

#include "runtime/blocking_pool.hpp"
#include "runtime/core.hpp"
#include "runtime/timer.hpp"

namespace moonring::workspace {

namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                           IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

WatchEvent file_event(ChangeKind kind, std::string path) {
  WatchEvent e;
  e.kind = kind;
  e.path = std::move(path);
  return e;
}

struct Found {
  std::vector<std::pair<int, std::string>> dirs;  // watch descriptor, folder
  std::vector<std::string> files;
  std::vector<Error> problems;
};

// Watches `dir` and every folder below it, listing source files when asked. The watch comes
// first, so a file created meanwhile is either listed here or reported by inotify (or both).
template <typename Filter>
void watch_tree(int ifd, const std::string& dir, bool report_files, const Filter& relevant,
                Found& out) {
  int wd = ::inotify_add_watch(ifd, dir.c_str(), kMask);
  if (wd < 0) {
    // A folder that vanished before it could be watched has nothing left to report.
    if (errno != ENOENT && errno != ENOTDIR)
      out.problems.push_back(errno_error(errno, "watch " + dir));
    return;
  }
  out.dirs.emplace_back(wd, dir);
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno != ENOENT) out.problems.push_back(errno_error(errno, "list " + dir));
    return;
  }
  std::vector<std::string> subdirs;
  while (dirent* e = ::readdir(d)) {
    const char* n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    std::string path = dir + "/" + n;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR && relevant(path, true))
      subdirs.push_back(std::move(path));
    else if (type == DT_REG && report_files && relevant(path, false))
      out.files.push_back(std::move(path));
  }
  ::closedir(d);
  for (const auto& s : subdirs) watch_tree(ifd, s, report_files, relevant, out);
}

}  // namespace

Watcher::Watcher(int fd, WatchOptions options)
    : stream_(fd, "inotify"),
      options_(std::move(options)),
      filter_(options_.roots, options_.associations, options_.excludes) {
  options_.roots = filter_.roots();  // without trailing slashes
}

Task<Result<Watcher>> Watcher::open(WatchOptions options) {
  int flags = IN_CLOEXEC;
  if (Core::current()->backend().wants_nonblocking()) flags |= IN_NONBLOCK;
  int fd = ::inotify_init1(flags);
  if (fd < 0) co_return errno_error(errno, "inotify_init1");
  Watcher w(fd, std::move(options));
  // Each root must be a folder; asked on the blocking pool, like the walk that follows.
  auto bad_root = co_await run_blocking([&w]() -> std::optional<Error> {
    for (const auto& root : w.options_.roots) {
      struct stat st {};
      if (::stat(root.c_str(), &st) != 0) return errno_error(errno, "watch " + root);
      if (!S_ISDIR(st.st_mode)) return errno_error(ENOTDIR, "watch " + root);
    }
    return std::nullopt;
  });
  if (bad_root) co_return std::move(*bad_root);
  std::vector<ScanRequest> roots;
  for (std::size_t i = 0; i < w.options_.roots.size(); ++i)
    roots.push_back({w.options_.roots[i], i, false});
  co_await w.scan(std::move(roots));
  for (const auto& e : w.problems_)
    for (const auto& root : w.options_.roots)
      if (e.context == "watch " + root) co_return e;
  co_return std::move(w);
}

bool Watcher::relevant(const std::string& path, std::size_t root, bool is_dir) const {
  return filter_.accepts(path, root, is_dir);
}

Task<void> Watcher::scan(std::vector<ScanRequest> requests) {
  int ifd = stream_.fd();
  auto found = co_await run_blocking([this, ifd, &requests] {
    std::vector<Found> out(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      std::size_t root = requests[i].root;
      auto filter = [this, root](const std::string& p, bool is_dir) {
        return relevant(p, root, is_dir);
      };
      watch_tree(ifd, requests[i].path, requests[i].report_files, filter, out[i]);
    }
    return out;
  });
  for (std::size_t i = 0; i < found.size(); ++i) {
    for (auto& [wd, path] : found[i].dirs) dirs_[wd] = Dir{std::move(path), requests[i].root};
    for (auto& f : found[i].files) burst_.add(file_event(ChangeKind::created, std::move(f)));
    for (auto& e : found[i].problems) problems_.push_back(std::move(e));
  }
}

void Watcher::forget_below(const std::string& path) {
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (it->second.path == path || path_below(it->second.path, path)) {
      ::inotify_rm_watch(stream_.fd(), it->first);
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
}

void Watcher::rename_below(const std::string& from, const std::string& to, std::size_t root) {
  for (auto& [wd, dir] : dirs_) {
    if (dir.path == from || path_below(dir.path, from)) {
      dir.path = to + dir.path.substr(from.size());
      dir.root = root;
    }
  }
}

void Watcher::on_dir_event(uint32_t mask, uint32_t cookie, std::string path, std::size_t root,
                           std::vector<ScanRequest>& scans) {
  if (mask & IN_MOVED_FROM) {
    moves_.push_back(Move{cookie, std::move(path), root, true});
    return;
  }
  bool wanted = relevant(path, root, true);
  if (mask & IN_MOVED_TO) {
    for (auto it = moves_.begin(); it != moves_.end(); ++it) {
      if (it->cookie != cookie) continue;
      Move from = std::move(*it);
      moves_.erase(it);
      bool was_watched = relevant(from.path, from.root, true);
      if (was_watched && wanted) {
        rename_below(from.path, path, root);
        burst_.add(WatchEvent{ChangeKind::renamed, std::move(path), std::move(from.path), true});
      } else if (was_watched) {
        forget_below(from.path);
        burst_.add(WatchEvent{ChangeKind::deleted, std::move(from.path), {}, true});
      } else if (wanted) {
        scans.push_back({std::move(path), root, true});
      }
      return;
    }
    if (wanted) scans.push_back({std::move(path), root, true});  // moved in from outside
    return;
  }
  if (!wanted) return;
  if (mask & IN_CREATE)
    scans.push_back({std::move(path), root, true});
  else if (mask & IN_DELETE)
    burst_.add(WatchEvent{ChangeKind::deleted, std::move(path), {}, true});
}

void Watcher::on_file_event(uint32_t mask, uint32_t cookie, std::string path, std::size_t root) {
  if (mask & IN_MOVED_FROM) {
    moves_.push_back(Move{cookie, std::move(path), root, false});
    return;
  }
  bool wanted = relevant(path, root, false);
  if (mask & IN_MOVED_TO) {
    for (auto it = moves_.begin(); it != moves_.end(); ++it) {
      if (it->cookie != cookie) continue;
      Move from = std::move(*it);
      moves_.erase(it);
      bool was_wanted = relevant(from.path, from.root, false);
      if (was_wanted && wanted)
        burst_.add(WatchEvent{ChangeKind::renamed, std::move(path), std::move(from.path)});
      else if (was_wanted)
        burst_.add(file_event(ChangeKind::deleted, std::move(from.path)));
      else if (wanted)
        burst_.add(file_event(ChangeKind::created, std::move(path)));
      return;
    }
    if (wanted) burst_.add(file_event(ChangeKind::created, std::move(path)));
    return;
  }
  if (!wanted) return;
  if (mask & IN_CREATE)
    burst_.add(file_event(ChangeKind::created, std::move(path)));
  else if (mask & IN_DELETE)
    burst_.add(file_event(ChangeKind::deleted, std::move(path)));
  else if (mask & (IN_MODIFY | IN_CLOSE_WRITE))
    burst_.add(file_event(ChangeKind::changed, std::move(path)));
}

// A MOVED_FROM still unpaired when the burst ends went out of the watched tree.
void Watcher::finish_moves() {
  for (auto& m : moves_) {
    if (m.directory) {
      if (!relevant(m.path, m.root, true)) continue;
      forget_below(m.path);
      burst_.add(WatchEvent{ChangeKind::deleted, std::move(m.path), {}, true});
    } else if (relevant(m.path, m.root, false)) {
      burst_.add(file_event(ChangeKind::deleted, std::move(m.path)));
    }
  }
  moves_.clear();
}

void Watcher::process(const std::byte* data, std::size_t size, std::vector<ScanRequest>& scans) {
  bool overflow = false;
  std::size_t at = 0;
  while (at + sizeof(inotify_event) <= size) {
    inotify_event ev;
    std::memcpy(&ev, data + at, sizeof ev);
    const char* name = reinterpret_cast<const char*>(data + at + sizeof ev);
    at += sizeof ev + ev.len;
    if (ev.mask & IN_Q_OVERFLOW) {
      overflow = true;
      continue;
    }
    auto it = dirs_.find(ev.wd);
    if (it == dirs_.end()) continue;  // a watch already dropped
    if (ev.mask & IN_IGNORED) {
      dirs_.erase(it);
      continue;
    }
    if (ev.len == 0) continue;  // about the watched folder itself
    std::string path = it->second.path + "/" + std::string(name, ::strnlen(name, ev.len));
    std::size_t root = it->second.root;
    if (ev.mask & IN_ISDIR)
      on_dir_event(ev.mask, ev.cookie, std::move(path), root, scans);
    else
      on_file_event(ev.mask, ev.cookie, std::move(path), root);
  }
  if (overflow) {
    // Events were lost: the consumer must rescan, and folders created meanwhile need watches.
    burst_.add(file_event(ChangeKind::rescan, {}));
    for (std::size_t i = 0; i < options_.roots.size(); ++i)
      scans.push_back({options_.roots[i], i, false});
  }
}

Task<Result<std::vector<WatchEvent>>> Watcher::next() {
  // Room for many events; the kernel never splits one across reads.
  std::vector<std::byte> buffer(64 * 1024);
  for (;;) {
    Result<std::size_t> n = std::size_t{0};
    if (!burst_.empty() || !moves_.empty()) {
      auto now = Clock::now();
      auto deadline = last_event_ + options_.quiet;
      if (now >= deadline) {
        finish_moves();
        auto events = burst_.take();
        if (!events.empty()) co_return events;
        continue;
      }
      n = co_await with_timeout(deadline - now, stream_.read_some(buffer), "inotify");
      if (!n && is_timed_out(n.error())) continue;
    } else {
      n = co_await stream_.read_some(buffer);
    }
    if (!n) co_return n.take_error();
    if (*n == 0) co_return errno_error(EPIPE, "read inotify (ended)");
    last_event_ = Clock::now();
    std::vector<ScanRequest> scans;
    process(buffer.data(), *n, scans);
    if (!scans.empty()) co_await scan(std::move(scans));
  }
}

}  // namespace moonring::workspace
