// Cross-file references: locals, labels and fields of local tables stay in their file; globals
// and module members gather every file's accesses from the index.
#include "lang/lua/query/references.hpp"

#include <algorithm>

namespace moonring::lua::query {

namespace {

void add_here(std::vector<Location>& out, std::string_view path, const Tree& tree,
              const FileBinding& binding, const Symbol& symbol) {
  for (const Occurrence& o : occurrences(tree, binding, symbol))
    out.push_back({std::string(path), o.range, o.write, o.declaration});
}

// Index entries of other files only: this file's come from its tree.
void add_others(std::vector<Location>& out, std::string_view path, std::vector<Location> found) {
  for (Location& l : found)
    if (l.path != path) out.push_back(std::move(l));
}

// A member of this file's module, or a key right under a `require`d module.
template <class S>
std::string_view module_file(const WorkspaceIndex& index, std::string_view path, const S& s,
                             bool no_path) {
  if (s.exported) return path;
  if ((s.kind == SymbolKind::Field || s.kind == SymbolKind::Method) && !s.owner.module.empty() &&
      no_path) {
    const std::string* file = index.resolve(s.owner.module);
    if (file != nullptr) return *file;
  }
  return {};
}

}  // namespace

std::string_view module_file_of(const WorkspaceIndex& index, std::string_view path,
                                const Symbol& s) {
  return module_file(index, path, s, s.owner.path.empty());
}

std::string_view module_file_of(const WorkspaceIndex& index, std::string_view path,
                                const SymbolView& s) {
  return module_file(index, path, s, s.owner.path == 0);
}

std::vector<Location> definitions(const WorkspaceIndex& index, std::string_view path,
                                  const Tree& tree, const FileBinding& binding, const Symbol& s) {
  std::vector<Location> out;
  if (auto here = declaration(tree, binding, s)) {
    out.push_back({std::string(path), *here, true, true});
    return out;
  }
  std::string_view module = module_file_of(index, path, s);
  if (!module.empty() && module != path) {
    for (Location& l : index.member_occurrences(module, s.name))
      if (l.path == module && l.write) out.push_back(std::move(l));
    return out;
  }
  if (s.kind == SymbolKind::Global) {
    // Set elsewhere: the first assignment in each file that makes one.
    for (Location& l : index.global_accesses(s.name, /*writes_only=*/true)) {
      if (l.path == path) continue;
      if (!out.empty() && out.back().path == l.path) continue;
      out.push_back(std::move(l));
    }
  }
  return out;
}

std::vector<Location> references(const WorkspaceIndex& index, std::string_view path,
                                 const Tree& tree, const FileBinding& binding, const Symbol& s,
                                 bool include_declaration) {
  std::vector<Location> out;
  add_here(out, path, tree, binding, s);
  // An exported global is its module's member: the same set from every occurrence of it.
  if (s.kind == SymbolKind::Global && !s.exported)
    add_others(out, path, index.global_accesses(s.name));
  std::string_view module = module_file_of(index, path, s);
  if (!module.empty()) add_others(out, path, index.member_occurrences(module, s.name));
  if (!include_declaration) std::erase_if(out, [](const Location& l) { return l.declaration; });
  std::sort(out.begin(), out.end(), [](const Location& a, const Location& b) {
    return a.path != b.path ? a.path < b.path : a.range.start < b.range.start;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Location& a, const Location& b) {
                          return a.path == b.path && a.range.start == b.range.start;
                        }),
            out.end());
  return out;
}

}  // namespace moonring::lua::query
