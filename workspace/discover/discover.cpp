// The walk behind discover_files (see discover.hpp). Folders are opened relative to their parent
// (openat) and listed with readdir; d_type says what an entry is, so fstatat runs only for the
// files that are sources (their size), for symlinks and for file systems without d_type.
#include "workspace/discover/discover.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include "workspace/discover/ignore.hpp"

namespace moonring::workspace {

namespace {

struct Entry {
  std::string name;
  unsigned char type;
};

using DevIno = std::pair<dev_t, ino_t>;

class Walker {
 public:
  Walker(const DiscoverOptions& options, const DiscoverSink& sink)
      : options_(options),
        sink_(sink),
        associations_(IgnoreRules::from_globs(options.associations)),
        excludes_(IgnoreRules::from_globs(options.excludes)) {}

  void walk_root(const std::string& root);
  const DiscoverStats& stats() const { return stats_; }

 private:
  void walk_dir(int fd, const std::string& shown, const std::string& rel, IgnoreStack& ignores);
  void take_file(const std::string& shown, const struct stat& st);
  void problem(ProblemKind kind, std::string path, int err, std::string what);
  bool read_ignore_file(int dirfd, const std::string& shown, const std::string& rel,
                        IgnoreRules& out);

  const DiscoverOptions& options_;
  const DiscoverSink& sink_;
  IgnoreRules associations_;
  IgnoreRules excludes_;
  std::vector<DevIno> ancestors_;  // folders on the current path: a repeat is a loop
  std::set<DevIno> visited_;       // every folder walked: a repeat is walked once
  DiscoverStats stats_;
};

void Walker::problem(ProblemKind kind, std::string path, int err, std::string what) {
  if (!sink_.on_problem) return;
  Error e = errno_error(err, what + " " + path);
  sink_.on_problem(DiscoverProblem{kind, std::move(path), std::move(e)});
}

void Walker::take_file(const std::string& shown, const struct stat& st) {
  auto size = static_cast<uint64_t>(st.st_size);
  if (size > options_.max_file_size) {
    if (sink_.on_problem)
      sink_.on_problem(DiscoverProblem{
          ProblemKind::too_large, shown,
          errno_error(EFBIG, "skipped " + shown + ": " + human_size(size) + " is over the " +
                                 human_size(options_.max_file_size) + " limit")});
    return;
  }
  ++stats_.files;
  const auto ns = [](const timespec& t) { return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; };
  const FileStamp stamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                        ns(st.st_mtim), ns(st.st_ctim)};
  if (sink_.on_file) sink_.on_file(DiscoveredFile{shown, size, stamp});
}

bool Walker::read_ignore_file(int dirfd, const std::string& shown, const std::string& rel,
                              IgnoreRules& out) {
  std::string path = shown + ".gitignore";
  int fd = ::openat(dirfd, ".gitignore", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) problem(ProblemKind::unreadable, path, errno, "open");
    return false;
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem(ProblemKind::unreadable, path, errno, "read");
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  out = IgnoreRules::parse(rel, text);
  return !out.rules.empty();
}

void Walker::walk_root(const std::string& root_in) {
  std::string root = root_in;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  struct stat st {};
  ++stats_.stat_calls;
  if (::stat(root.c_str(), &st) != 0) {
    problem(ProblemKind::missing_root, root, errno, "stat");
    return;
  }
  if (S_ISREG(st.st_mode)) {
    take_file(root, st);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    problem(ProblemKind::missing_root, root, ENOTDIR, "walk");
    return;
  }
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    problem(ProblemKind::unreadable, root, errno, "open");
    return;
  }
  DevIno id{st.st_dev, st.st_ino};
  if (!visited_.insert(id).second) {
    ::close(fd);
    return;
  }
  ancestors_.push_back(id);
  IgnoreStack ignores;
  walk_dir(fd, root == "/" ? root : root + "/", "", ignores);
  ancestors_.pop_back();
}

// Takes ownership of `fd`. `shown` is the folder's path as reported (with a trailing '/'), `rel`
// its path relative to the root ("" for the root itself).
void Walker::walk_dir(int fd, const std::string& shown, const std::string& rel,
                      IgnoreStack& ignores) {
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    problem(ProblemKind::unreadable, shown, errno, "list");
    ::close(fd);
    return;
  }
  ++stats_.directories;
  std::vector<Entry> entries;
  bool has_ignore_file = false;
  for (;;) {
    errno = 0;
    dirent* d = ::readdir(dir);
    if (!d) {
      if (errno != 0) problem(ProblemKind::unreadable, shown, errno, "list");
      break;
    }
    const char* n = d->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    if (options_.gitignore && std::strcmp(n, ".gitignore") == 0) has_ignore_file = true;
    entries.push_back(Entry{n, d->d_type});
  }
  stats_.entries += entries.size();
  if (options_.sorted)
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.name < b.name; });

  int dfd = ::dirfd(dir);
  IgnoreRules local;
  bool pushed = has_ignore_file && read_ignore_file(dfd, shown, rel, local);
  if (pushed) ignores.push(&local);

  for (Entry& e : entries) {
    if (e.name == ".git") continue;  // a repository's own folder is never source
    std::string child_rel = rel.empty() ? e.name : rel + "/" + e.name;
    struct stat st {};
    bool have_stat = false;
    unsigned char type = e.type;
    if (type == DT_UNKNOWN) {
      ++stats_.stat_calls;
      if (::fstatat(dfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        problem(ProblemKind::vanished, shown + e.name, errno, "stat");
        continue;
      }
      have_stat = true;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_UNKNOWN;
    }
    if (type == DT_LNK) {
      if (!options_.follow_symlinks) continue;
      ++stats_.stat_calls;
      if (::fstatat(dfd, e.name.c_str(), &st, 0) != 0) {
        int err = errno;
        problem(err == ELOOP ? ProblemKind::symlink_loop : ProblemKind::vanished, shown + e.name,
                err, "follow symlink");
        continue;
      }
      have_stat = true;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      if (excludes_.verdict(child_rel, true) == IgnoreVerdict::ignored ||
          ignores.ignored(child_rel, true))
        continue;
      int cfd = ::openat(dfd, e.name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (cfd < 0) {
        int err = errno;
        ProblemKind kind = err == ENOENT || err == ENOTDIR ? ProblemKind::vanished
                           : err == ELOOP                  ? ProblemKind::symlink_loop
                                                           : ProblemKind::unreadable;
        problem(kind, shown + e.name, err, "open");
        continue;
      }
      if (!have_stat || e.type == DT_LNK) {
        // A folder's identity, for loops and repeats: from the open descriptor, which is the
        // folder we will list even if the name was replaced meanwhile.
        ++stats_.stat_calls;
        if (::fstat(cfd, &st) != 0) {
          problem(ProblemKind::unreadable, shown + e.name, errno, "stat");
          ::close(cfd);
          continue;
        }
      }
      DevIno id{st.st_dev, st.st_ino};
      if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
        problem(ProblemKind::symlink_loop, shown + e.name, ELOOP, "symlink loop: not following");
        ::close(cfd);
        continue;
      }
      if (!visited_.insert(id).second) {
        ::close(cfd);
        continue;
      }
      ancestors_.push_back(id);
      walk_dir(cfd, shown + e.name + "/", child_rel, ignores);
      ancestors_.pop_back();
      continue;
    }
    if (type != DT_REG) continue;
    if (associations_.verdict(child_rel, false) != IgnoreVerdict::ignored) continue;
    if (excludes_.verdict(child_rel, false) == IgnoreVerdict::ignored ||
        ignores.ignored(child_rel, false))
      continue;
    if (!have_stat && !options_.sizes) {
      ++stats_.files;
      if (sink_.on_file) sink_.on_file(DiscoveredFile{shown + e.name, 0, {}});
      continue;
    }
    if (!have_stat) {
      ++stats_.stat_calls;
      if (::fstatat(dfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        problem(ProblemKind::vanished, shown + e.name, errno, "stat");
        continue;
      }
      if (!S_ISREG(st.st_mode)) continue;
    }
    take_file(shown + e.name, st);
  }
  if (pushed) ignores.pop();
  ::closedir(dir);
}

}  // namespace

std::string human_size(uint64_t bytes) {
  char buf[64];
  constexpr double kMB = 1024.0 * 1024.0;
  if (bytes >= (1u << 20)) {
    double mb = static_cast<double>(bytes) / kMB;
    std::snprintf(buf, sizeof buf, mb < 10 ? "%.1f MB" : "%.0f MB", mb);
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof buf, "%llu KB", static_cast<unsigned long long>(bytes / 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  std::string s = buf;
  if (s.size() >= 6 && s.compare(s.size() - 5, 5, ".0 MB") == 0) s.erase(s.size() - 5, 2);
  return s;
}

std::string DiscoverProblem::message() const {
  if (kind == ProblemKind::too_large) return error.context;  // carries the whole sentence
  return error.message();
}

DiscoverStats discover_files(const DiscoverOptions& options, const DiscoverSink& sink) {
  Walker walker(options, sink);
  for (const auto& root : options.roots) walker.walk_root(root);
  return walker.stats();
}

Discovery collect_files(const DiscoverOptions& options) {
  Discovery out;
  DiscoverSink sink{[&](DiscoveredFile&& f) { out.files.push_back(std::move(f)); },
                    [&](DiscoverProblem&& p) { out.problems.push_back(std::move(p)); }};
  discover_files(options, sink);
  std::sort(out.files.begin(), out.files.end(),
            [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace moonring::workspace
