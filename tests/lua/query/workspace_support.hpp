// A workspace of marked fixture files (path -> marked Lua text), parsed, bound, summarised and
// indexed; marks as in query_support.hpp.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "lang/lua/query/index.hpp"
#include "lang/lua/query/summary.hpp"
#include "tests/lua/query/query_support.hpp"

namespace moonring::lua::testing {

struct Workspace {
  std::map<std::string, Parsed> files;
  query::WorkspaceIndex index;

  const Parsed& at(const std::string& path) const { return files.at(path); }

  // The one mark whose tag starts with `at-` (the cursor): its file and offset.
  std::pair<std::string, std::uint32_t> cursor() const {
    std::pair<std::string, std::uint32_t> out;
    int n = 0;
    for (const auto& [path, p] : files)
      for (const Mark& m : p.fx.marks)
        if (m.tag.starts_with("at-")) {
          out = {path, m.range.start};
          ++n;
        }
    REQUIRE(n == 1);
    return out;
  }
};

inline Workspace make_workspace(std::vector<std::pair<std::string, std::string>> sources,
                                std::vector<std::string> roots = {}) {
  Workspace w;
  w.index.set_search(std::move(roots));
  for (auto& [path, text] : sources) {
    Parsed p = parse_fixture(text);
    w.index.update(path, query::summarize(p.tree(), p.binding));
    w.files.emplace(path, std::move(p));
  }
  return w;
}

}  // namespace moonring::lua::testing
