// The workspace index: every file's summary by path, `require` resolution like package.path, and
// the cross-file lookups (global accesses, module member definitions and uses) built from them.
// A value type; the caller updates it as files change and keeps it on the thread that reads it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/lua/query/summary.hpp"

namespace moonring::lua::query {

// A place in a workspace file.
struct Location {
  std::string path;
  Range range;
  bool write = false;
  bool declaration = false;
};

class WorkspaceIndex {
 public:
  WorkspaceIndex();

  // Where `require "a.b"` looks: each pattern (package.path's templates, `?` standing for the
  // name with dots as slashes) under each root (absolute patterns alone). Default: the roots
  // given, "?.lua" and "?/init.lua". Paths use `/`.
  void set_search(std::vector<std::string> roots, std::vector<std::string> patterns = {});

  void update(std::string path, FileSummary summary);
  // Room for `files` files, so that growing never rehashes everything in one step.
  void reserve(std::size_t files);
  void remove(std::string_view path);
  const FileSummary* file(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

  // The workspace file `require(module)` loads: the first root/pattern that names one, else (as
  // LuaLS does for code not on the path) the shortest file path ending in a pattern's expansion.
  // Null when none is found.
  const std::string* resolve(std::string_view module) const;

  // Every access of the global `name` in every file (only the assignments with `writes_only`),
  // files in path order. A module-as-environment file that sets `name` has none: there it is
  // the module's member (member_occurrences).
  std::vector<Location> global_accesses(std::string_view name, bool writes_only = false) const;
  // The definitions of `member` in the module file `module_path` and its uses (m.member with
  // m = require of a name that resolves to that file) in every file.
  std::vector<Location> member_occurrences(std::string_view module_path,
                                           std::string_view member) const;

  // The globals some file sets, each with the number of files that set it.
  template <class Fn>
  void for_each_set_global(Fn&& fn) const {
    for (const auto& [name, files] : set_globals_) fn(std::string_view(name), files);
  }

  template <class Fn>
  void for_each_file(Fn&& fn) const {
    for (const auto& [path, summary] : files_) fn(path, summary);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Files = std::unordered_map<std::string, FileSummary, Hash, std::equal_to<>>;
  std::vector<std::string> names_for(std::string_view path) const;
  void count_globals(const FileSummary& summary, int delta);

  Files files_;
  // The last components of every path ("b.lua", "a/b.lua", ... up to kSuffixDepth), for the
  // fallback resolution.
  static constexpr int kSuffixDepth = 4;
  using Paths = std::vector<std::string>;
  std::unordered_map<std::string, Paths, Hash, std::equal_to<>> suffixes_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> set_globals_;
  std::vector<std::string> roots_;
  std::vector<std::string> patterns_;
};

}  // namespace moonring::lua::query
