// SourceFilter (see source_filter.hpp).
#include "workspace/watch/source_filter.hpp"

#include <utility>

namespace moonring::workspace {

bool path_below(std::string_view path, std::string_view dir) {
  if (dir == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

SourceFilter::SourceFilter(std::vector<std::string> roots,
                           const std::vector<std::string>& associations,
                           const std::vector<std::string>& excludes)
    : roots_(std::move(roots)),
      associations_(IgnoreRules::from_globs(associations)),
      excludes_(IgnoreRules::from_globs(excludes)) {
  for (auto& r : roots_)
    while (r.size() > 1 && r.back() == '/') r.pop_back();
}

bool SourceFilter::accepts(std::string_view path, std::size_t root, bool is_dir) const {
  const std::string& base = roots_[root];
  std::string_view rel = path;
  if (path_below(path, base)) rel.remove_prefix(base == "/" ? 1 : base.size() + 1);
  std::string_view name = rel.substr(rel.rfind('/') + 1);
  if (is_dir && name == ".git") return false;
  if (!is_dir && associations_.verdict(rel, false) != IgnoreVerdict::ignored) return false;
  if (excludes_.verdict(rel, is_dir) == IgnoreVerdict::ignored) return false;
  // Below an excluded folder is excluded too (as in .gitignore). The watcher never watches such
  // a folder, but the editor's events may name anything.
  for (std::size_t slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1)) {
    std::string_view folder = rel.substr(0, slash);
    if (folder.substr(folder.rfind('/') + 1) == ".git") return false;
    if (excludes_.verdict(folder, true) == IgnoreVerdict::ignored) return false;
  }
  return true;
}

bool SourceFilter::accepts(std::string_view path, bool is_dir) const {
  auto root = root_of(path);
  return root && accepts(path, *root, is_dir);
}

std::optional<std::size_t> SourceFilter::root_of(std::string_view path) const {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    if (path != roots_[i] && !path_below(path, roots_[i])) continue;
    if (!best || roots_[i].size() > roots_[*best].size()) best = i;
  }
  return best;
}

}  // namespace moonring::workspace
