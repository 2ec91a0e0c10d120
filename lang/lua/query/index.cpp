// The workspace index: summaries in a hash map by path, a suffix map for require's fallback, and
// lookups that touch only the files whose name tables hold the name asked for.
#include "lang/lua/query/index.hpp"

#include <algorithm>

namespace moonring::lua::query {

namespace {

std::string expand(std::string_view pattern, std::string_view module) {
  std::string name(module);
  std::replace(name.begin(), name.end(), '.', '/');
  std::string out;
  for (char c : pattern) {
    if (c == '?') {
      out += name;
    } else {
      out += c;
    }
  }
  if (out.starts_with("./")) out.erase(0, 2);
  return out;
}

std::string join(std::string_view root, std::string_view rel) {
  if (root.empty() || rel.starts_with('/')) return std::string(rel);
  std::string out(root);
  if (!out.ends_with('/')) out += '/';
  out += rel;
  return out;
}

// The last 1..depth components of a path: "x/a/b.lua" gives "b.lua", "a/b.lua", "x/a/b.lua".
template <class Fn>
void for_each_suffix(std::string_view path, int depth, Fn&& fn) {
  std::size_t end = path.size();
  for (int i = 0; i < depth && end > 0; ++i) {
    std::size_t slash = path.rfind('/', end - 1);
    std::size_t from = slash == std::string_view::npos ? 0 : slash + 1;
    fn(path.substr(from));
    if (slash == std::string_view::npos) break;
    end = slash;
  }
}

// A module-as-environment file that sets `id`: there the name is that module's member, reached
// from elsewhere as m.name, not a global (stdnse.module and module() do not write _G).
bool member_of_environment(const FileSummary& s, NameId id) {
  if (s.shape != ModuleShape::Environment) return false;
  return std::ranges::any_of(
      s.globals, [id](const FileSummary::Global& g) { return g.write && g.name == id; });
}

bool by_path(const Location& a, const Location& b) {
  return a.path != b.path ? a.path < b.path : a.range.start < b.range.start;
}

}  // namespace

WorkspaceIndex::WorkspaceIndex() {
  set_search({}, {});
}

void WorkspaceIndex::set_search(std::vector<std::string> roots, std::vector<std::string> patterns) {
  roots_ = std::move(roots);
  if (roots_.empty()) roots_.push_back("");
  patterns_ = std::move(patterns);
  if (patterns_.empty()) patterns_ = {"?.lua", "?/init.lua"};
}

void WorkspaceIndex::count_globals(const FileSummary& s, int delta) {
  std::vector<NameId> names;
  for (const FileSummary::Global& g : s.globals)
    if (g.write) names.push_back(g.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (NameId id : names) {
    std::string_view name = s.names.text(id);
    if (delta > 0) {
      ++set_globals_[std::string(name)];
    } else if (auto it = set_globals_.find(name); it != set_globals_.end() && --it->second == 0) {
      set_globals_.erase(it);
    }
  }
}

void WorkspaceIndex::update(std::string path, FileSummary summary) {
  count_globals(summary, +1);
  auto it = files_.find(path);
  if (it != files_.end()) {
    count_globals(it->second, -1);
    it->second = std::move(summary);
    return;
  }
  for_each_suffix(path, kSuffixDepth, [&](std::string_view s) {
    auto found = suffixes_.find(s);
    if (found == suffixes_.end()) found = suffixes_.emplace(std::string(s), Paths{}).first;
    // Shortest first, then by name, so that the fallback is deterministic. Inserted in place:
    // a copied tree puts a hundred paths under one suffix, and sorting per insertion made a
    // 1 GB load's merge quadratic in them.
    Paths& list = found->second;
    const auto shorter = [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    };
    list.insert(std::upper_bound(list.begin(), list.end(), path, shorter), path);
  });
  files_.emplace(std::move(path), std::move(summary));
}

void WorkspaceIndex::reserve(std::size_t files) {
  files_.reserve(files);
  suffixes_.reserve(files * kSuffixDepth);  // a file's deepest suffixes are its own
}

void WorkspaceIndex::remove(std::string_view path) {
  auto it = files_.find(path);
  if (it == files_.end()) return;
  count_globals(it->second, -1);
  for_each_suffix(path, kSuffixDepth, [&](std::string_view s) {
    auto sit = suffixes_.find(s);
    if (sit == suffixes_.end()) return;
    std::erase(sit->second, path);
    if (sit->second.empty()) suffixes_.erase(sit);
  });
  files_.erase(it);
}

const FileSummary* WorkspaceIndex::file(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

const std::string* WorkspaceIndex::resolve(std::string_view module) const {
  if (module.empty()) return nullptr;
  for (const std::string& pattern : patterns_) {
    std::string rel = expand(pattern, module);
    for (const std::string& root : roots_) {
      auto it = files_.find(join(root, rel));
      if (it != files_.end()) return &it->first;
    }
  }
  for (const std::string& pattern : patterns_) {
    std::string rel = expand(pattern, module);
    if (rel.starts_with('/')) continue;
    auto it = suffixes_.find(rel);
    if (it == suffixes_.end()) continue;
    auto f = files_.find(it->second.front());
    if (f != files_.end()) return &f->first;
  }
  return nullptr;
}

std::vector<Location> WorkspaceIndex::global_accesses(std::string_view name,
                                                      bool writes_only) const {
  std::vector<Location> out;
  // No file sets it: a lookup of definitions (the standard library's names) ends here.
  if (writes_only && !set_globals_.contains(name)) return out;
  for (const auto& [path, s] : files_) {
    NameId id = s.names.find(name);
    if (id == kNoNode || member_of_environment(s, id)) continue;
    for (const FileSummary::Global& g : s.globals)
      if (g.name == id && (g.write || !writes_only))
        out.push_back({path, g.range, g.write, g.declaration});
  }
  std::sort(out.begin(), out.end(), by_path);
  return out;
}

// The module names that may load `path`: a pattern's stem with any number of leading
// directories dropped, kept when it really resolves there.
std::vector<std::string> WorkspaceIndex::names_for(std::string_view path) const {
  std::vector<std::string> out;
  for (const std::string& pattern : patterns_) {
    std::size_t q = pattern.find('?');
    if (q == std::string::npos) continue;
    std::string_view after = std::string_view(pattern).substr(q + 1);
    if (!path.ends_with(after)) continue;
    std::string_view stem = path.substr(0, path.size() - after.size());
    for_each_suffix(stem, 8, [&](std::string_view tail) {
      std::string name(tail);
      std::replace(name.begin(), name.end(), '/', '.');
      const std::string* to = resolve(name);
      if (to != nullptr && *to == path && std::ranges::find(out, name) == out.end())
        out.push_back(name);
    });
  }
  return out;
}

std::vector<Location> WorkspaceIndex::member_occurrences(std::string_view module_path,
                                                         std::string_view member) const {
  std::vector<Location> out;
  if (const FileSummary* m = file(module_path)) {
    NameId id = m->names.find(member);
    if (id != kNoNode)
      for (const FileSummary::Definition& d : m->members)
        if (d.name == id) out.push_back({std::string(module_path), d.range, true, d.declaration});
    // Its own uses: M.x inside it, or the globals of a module that is its environment.
    for (const FileSummary::MemberUse& u : m->member_uses)
      if (u.module == kNoNode && u.member == id)
        out.push_back({std::string(module_path), u.range, u.write, false});
    if (m->shape == ModuleShape::Environment)
      for (const FileSummary::Global& g : m->globals)
        if (g.name == id && !g.write)
          out.push_back({std::string(module_path), g.range, false, false});
  }
  const std::vector<std::string> names = names_for(module_path);
  if (names.empty()) return out;
  std::vector<NameId> ids;
  for (const auto& [path, s] : files_) {
    NameId member_id = s.names.find(member);
    if (member_id == kNoNode) continue;
    ids.clear();
    for (const std::string& n : names)
      if (NameId id = s.names.find(n); id != kNoNode) ids.push_back(id);
    if (ids.empty()) continue;
    for (const FileSummary::MemberUse& u : s.member_uses)
      if (u.member == member_id && std::ranges::find(ids, u.module) != ids.end())
        out.push_back({path, u.range, u.write, false});
  }
  std::sort(out.begin(), out.end(), by_path);
  return out;
}

}  // namespace moonring::lua::query
