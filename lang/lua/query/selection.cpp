// Selection ranges: the path of nodes above the offset, reversed, duplicates dropped.
#include "lang/lua/query/selection.hpp"

#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

std::vector<Range> selection_ranges(const Tree& t, std::uint32_t offset) {
  std::vector<Range> out;
  std::vector<NodeId> path = path_at(t, offset, true);
  for (std::size_t i = path.size(); i-- > 0;) {
    Range r = t.range(path[i]);
    if (r.end <= r.start) continue;
    if (!out.empty() && out.back().start == r.start && out.back().end == r.end) continue;
    if (!out.empty() && (r.start > out.back().start || r.end < out.back().end)) continue;
    out.push_back(r);
  }
  Range file{0, static_cast<std::uint32_t>(t.source().size())};
  if (out.empty() || out.back().start != file.start || out.back().end != file.end)
    out.push_back(file);
  return out;
}

}  // namespace moonring::lua::query
