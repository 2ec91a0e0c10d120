// Folding: one pass over the node array for the constructs, one over the comments.
#include "lang/lua/query/folding.hpp"

#include <algorithm>
#include <string_view>

namespace moonring::lua::query {

namespace {

// The start of the last line of a construct ending at `end` (exclusive): its closing token's line.
std::uint32_t last_line_start(const Tree& t, std::uint32_t end) {
  if (end == 0) return 0;
  return t.lines().line_start(t.position(end - 1).line);
}

}  // namespace

std::vector<FoldingRange> folding_ranges(const Tree& t) {
  std::vector<FoldingRange> out;
  const std::string_view src = t.source();
  auto add = [&](std::uint32_t start, std::uint32_t end, FoldingRange::Kind kind) {
    // Most constructs fit on a line: a scan for a line break settles them without the two
    // binary searches of the line index.
    if (end <= start) return;
    std::string_view text = src.substr(start, end - 1 - start);
    if (text.find_first_of("\n\r") == std::string_view::npos) return;
    if (t.position(start).line == t.position(end - 1).line) return;
    out.push_back({start, last_line_start(t, end), kind});
  };
  for (NodeId id = 0; id < t.node_count(); ++id) {
    switch (t.kind(id)) {
      case NodeKind::FunctionExpr:
      case NodeKind::Do:
      case NodeKind::While:
      case NodeKind::Repeat:
      case NodeKind::NumericFor:
      case NodeKind::GenericFor:
      case NodeKind::Table:
        add(t.node(id).start, t.node(id).end, FoldingRange::Region);
        break;
      case NodeKind::String:
        if (t.is_long_string(id)) add(t.node(id).start, t.node(id).end, FoldingRange::Region);
        break;
      case NodeKind::If: {
        // Each arm up to the next one (whose line stays visible), the last up to `end`.
        auto clauses = t.if_clauses(id);
        for (std::size_t i = 0; i < clauses.size(); ++i) {
          std::uint32_t start = t.node(clauses[i]).start;
          std::uint32_t end =
              i + 1 < clauses.size() ? t.node(clauses[i + 1]).start + 1 : t.node(id).end;
          add(start, end, FoldingRange::Region);
        }
        break;
      }
      default:
        break;
    }
  }
  // Long comments, and runs of line comments on consecutive lines. Comments come in source
  // order, so their lines are counted forwards (a file may have a comment on every line).
  const LineIndex& lines = t.lines();
  std::uint32_t line = 1;
  auto line_of = [&](std::uint32_t offset) {
    while (line < lines.line_count() && lines.line_start(line + 1) <= offset) ++line;
    return line;
  };
  auto comments = t.comments();
  for (std::size_t i = 0; i < comments.size();) {
    const Comment& c = comments[i];
    if (c.long_form) {
      add(c.range.start, c.range.end, FoldingRange::Comment);
      ++i;
      continue;
    }
    std::size_t j = i;
    std::uint32_t at = line_of(c.range.start);
    while (j + 1 < comments.size() && !comments[j + 1].long_form &&
           line_of(comments[j + 1].range.start) == at + 1) {
      ++j;
      ++at;
    }
    if (j > i) out.push_back({c.range.start, comments[j].range.start, FoldingRange::Comment});
    i = j + 1;
  }
  std::sort(out.begin(), out.end(),
            [](const FoldingRange& a, const FoldingRange& b) { return a.start < b.start; });
  return out;
}

}  // namespace moonring::lua::query
