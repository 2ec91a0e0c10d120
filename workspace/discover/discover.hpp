// Discovery: walks workspace roots and hands every source file to a sink as soon as it is found,
// honouring .gitignore files, exclude globs, file associations and a size limit. Synchronous:
// it runs on the blocking pool or a thread of its own (discover_async.hpp awaits it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace moonring::workspace {

struct DiscoverOptions {
  // Folders to walk, or files to take as they are (a file named on the command line is taken
  // whatever its name, unless it is over the size limit).
  std::vector<std::string> roots;
  // Which files are sources, in the gitignore glob dialect ("*.nse", "!*_spec.lua").
  std::vector<std::string> associations{"*.lua"};
  // Left out like .gitignore lines written at each root ("build/", "/vendor", "**/gen/*.lua").
  std::vector<std::string> excludes;
  bool gitignore = true;        // honour .gitignore files found under the roots
  bool follow_symlinks = true;  // folders and files behind symlinks (loops are detected)
  uint64_t max_file_size = 20ull << 20;
  // Each file's size costs one fstatat, most of the walk's time. A caller that opens every file
  // anyway may turn this off: sizes are then 0 (unknown) and the size limit is the opener's to
  // apply (fstat on the open descriptor). Symlinks and d_type-less file systems still stat.
  bool sizes = true;
  // Each folder's entries in byte order of their names, so the stream is the same on every run
  // (otherwise the file system's order, which saves a sort per folder).
  bool sorted = false;
};

// A file's identity and last change as its stat said (all 0 when it was not stat'ed): a cache
// may take an unchanged stamp for unchanged content, as git's index does.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t modified_ns = 0;  // st_mtim
  int64_t changed_ns = 0;   // st_ctim: no call sets it back, every write moves it
};

struct DiscoveredFile {
  std::string path;   // the root as given, joined with the path below it
  uint64_t size = 0;  // 0 also when DiscoverOptions::sizes is off
  FileStamp stamp;    // from the same stat as `size`
};

enum class ProblemKind {
  missing_root,  // a root does not exist or cannot be examined
  unreadable,    // a folder or .gitignore that cannot be opened or read
  vanished,      // listed, then gone before it was examined (or a dangling symlink)
  symlink_loop,  // a symlink leads back to a folder being walked (or ELOOP)
  too_large,     // over max_file_size: skipped
};

struct DiscoverProblem {
  ProblemKind kind{};
  std::string path;
  Error error;  // what failed and where; for too_large the code is EFBIG
  // "skipped big.lua: 30 MB is over the 20 MB limit", "open a/secret: Permission denied".
  std::string message() const;
};

// Both callbacks run on the walking thread, in the order things are found; either may be empty
// (an empty on_file just counts, as for a measurement).
struct DiscoverSink {
  std::function<void(DiscoveredFile&&)> on_file;
  std::function<void(DiscoverProblem&&)> on_problem;
};

struct DiscoverStats {
  uint64_t files = 0;        // handed to on_file
  uint64_t directories = 0;  // read
  uint64_t entries = 0;      // directory entries looked at
  uint64_t stat_calls = 0;   // fstatat calls made (the rest came from d_type)
};

// Walks every root in order; never fails as a whole: each problem goes to on_problem and the
// walk goes on. A folder reached twice (two roots, or a symlink to a folder already walked) is
// walked once.
DiscoverStats discover_files(const DiscoverOptions& options, const DiscoverSink& sink);

struct Discovery {
  std::vector<DiscoveredFile> files;  // sorted by path
  std::vector<DiscoverProblem> problems;
};
// The whole walk collected, files sorted by path.
Discovery collect_files(const DiscoverOptions& options);

// "30 MB", "512 KB", "12 bytes": sizes as people read them (1 MB = 2^20 bytes).
std::string human_size(uint64_t bytes);

}  // namespace moonring::workspace
