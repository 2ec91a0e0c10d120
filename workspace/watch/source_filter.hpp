// Which paths under the workspace roots are source files (the associations) and which are left
// out (the excludes), in the gitignore glob dialect of DiscoverOptions; globs apply to the path
// relative to its root. Shared by the inotify watcher and by the workspace's file set, which
// applies the editor's workspace/didChangeWatchedFiles through it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workspace/discover/ignore.hpp"

namespace moonring::workspace {

// Is `path` strictly below folder `dir` ("/a/b" is below "/a", "/ab" is not)?
bool path_below(std::string_view path, std::string_view dir);

class SourceFilter {
 public:
  // Roots lose trailing slashes ("/w/" is "/w").
  SourceFilter(std::vector<std::string> roots, const std::vector<std::string>& associations,
               const std::vector<std::string>& excludes);

  const std::vector<std::string>& roots() const { return roots_; }
  // `path` is at or below roots()[root]: a source file (is_dir false) or a folder that may hold
  // some (is_dir true), neither excluded nor inside an excluded folder or .git.
  bool accepts(std::string_view path, std::size_t root, bool is_dir) const;
  // The same under the innermost root holding `path`; false outside every root.
  bool accepts(std::string_view path, bool is_dir) const;
  std::optional<std::size_t> root_of(std::string_view path) const;

 private:
  std::vector<std::string> roots_;
  IgnoreRules associations_;
  IgnoreRules excludes_;
};

}  // namespace moonring::workspace
