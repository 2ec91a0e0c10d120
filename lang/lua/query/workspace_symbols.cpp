// Fuzzy matching: one greedy left-to-right pass that prefers word starts, scored by its runs.
#include "lang/lua/query/workspace_symbols.hpp"

#include <algorithm>

namespace moonring::lua::query {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool word_start(std::string_view s, std::size_t i) {
  if (i == 0) return true;
  char p = s[i - 1], c = s[i];
  return p == '_' || p == '.' || p == ':' || (p >= 'a' && p <= 'z' && c >= 'A' && c <= 'Z');
}

std::string stem(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.ends_with(".lua")) name.remove_suffix(4);
  return std::string(name);
}

}  // namespace

int fuzzy_score(std::string_view q, std::string_view c) {
  if (q.empty()) return 1;
  int score = 0;
  std::size_t qi = 0;
  std::size_t last = std::string_view::npos;
  for (std::size_t ci = 0; ci < c.size() && qi < q.size(); ++ci) {
    if (lower(c[ci]) != lower(q[qi])) continue;
    // Prefer a later word start for this query character when the next one is not adjacent.
    if (!word_start(c, ci) && (last == std::string_view::npos || ci != last + 1)) {
      std::size_t better = ci;
      for (std::size_t k = ci + 1; k < c.size(); ++k)
        if (lower(c[k]) == lower(q[qi]) && word_start(c, k)) {
          better = k;
          break;
        }
      ci = better;
    }
    score += 10;
    if (word_start(c, ci)) score += 15;
    if (last != std::string_view::npos && ci == last + 1) score += 20;
    if (c[ci] == q[qi]) score += 2;  // same case
    last = ci;
    ++qi;
  }
  if (qi < q.size()) return -1;
  if (c.size() == q.size() && score > 0) {
    bool same = true;
    for (std::size_t i = 0; i < c.size(); ++i) same = same && lower(c[i]) == lower(q[i]);
    if (same) score += 1000;
  }
  bool prefix = c.size() >= q.size();
  for (std::size_t i = 0; prefix && i < q.size(); ++i) prefix = lower(c[i]) == lower(q[i]);
  if (prefix) score += 200;
  score -= static_cast<int>(std::min<std::size_t>(c.size(), 100));
  return score;
}

std::vector<WorkspaceSymbol> workspace_symbols(const WorkspaceIndex& index, std::string_view query,
                                               std::size_t limit) {
  std::vector<WorkspaceSymbol> out;
  index.for_each_file([&](const std::string& path, const FileSummary& s) {
    auto add = [&](const FileSummary::Definition& d, bool member) {
      std::string_view name = s.names.text(d.name);
      int score = fuzzy_score(query, name);
      if (score < 0) return;
      WorkspaceSymbol w;
      w.name = std::string(name);
      w.container = member ? stem(path) : std::string();
      w.kind = d.function ? (d.method ? OutlineKind::Method : OutlineKind::Function)
                          : OutlineKind::Field;
      w.location = {path, d.range, true, d.declaration};
      w.score = score;
      out.push_back(std::move(w));
    };
    for (const FileSummary::Definition& d : s.members) add(d, true);
    for (const FileSummary::Definition& d : s.global_functions)
      if (s.shape != ModuleShape::Environment) add(d, false);  // else listed as members
  });
  auto better = [](const WorkspaceSymbol& a, const WorkspaceSymbol& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.name != b.name) return a.name < b.name;
    if (a.location.path != b.location.path) return a.location.path < b.location.path;
    return a.location.range.start < b.location.range.start;
  };
  if (out.size() > limit) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(),
                      better);
    out.resize(limit);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

}  // namespace moonring::lua::query
