// Doc comments: a binary search for the last comment before the declaration's line, then back
// over contiguous `---` lines.
#include "lang/lua/query/doc_comment.hpp"

#include <algorithm>
#include <vector>

namespace moonring::lua::query {

std::string doc_comment(const Tree& t, Range decl) {
  const std::uint32_t line = t.position(decl.start).line;
  if (line <= 1) return {};
  const std::uint32_t line_start = t.lines().line_start(line);
  auto comments = t.comments();
  auto it = std::lower_bound(comments.begin(), comments.end(), line_start,
                             [](const Comment& c, std::uint32_t o) { return c.range.start < o; });
  std::vector<std::string_view> lines;
  std::uint32_t expect = line - 1;
  const std::string_view src = t.source();
  while (it != comments.begin()) {
    const Comment& c = *(it - 1);
    if (c.long_form || c.range.end <= c.range.start) break;
    if (t.position(c.range.start).line != expect) break;
    std::string_view text = src.substr(c.text.start, c.text.end - c.text.start);
    if (!text.starts_with('-')) break;
    // Only blanks before it on its line.
    const std::uint32_t from = t.lines().line_start(expect);
    if (src.substr(from, c.range.start - from).find_first_not_of(" \t") != std::string_view::npos)
      break;
    text.remove_prefix(1);
    if (text.starts_with(' ')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
    lines.push_back(text);
    --it;
    if (expect == 1) break;
    --expect;
  }
  std::string out;
  for (auto l = lines.rbegin(); l != lines.rend(); ++l) {
    if (!out.empty()) out += '\n';
    out += *l;
  }
  return out;
}

}  // namespace moonring::lua::query
