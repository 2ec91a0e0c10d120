// Test fixtures as Lua text with range markers: «text» marks a range, «tag|text» a tagged one.
// The markers are removed; each mark keeps its tag and its byte range in the clean source.
// A tag is letters, digits, `_`, `.` or `-` followed by `|` (so «a|b» is always a tag; write a
// bitwise-or inside a mark with spaces: «a | b»). Marks do not nest.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::testing {

struct Mark {
  std::string tag;  // empty for an untagged mark
  Range range;
  std::string text;
};

struct Fixture {
  std::string source;
  std::vector<Mark> marks;

  std::vector<Mark> tagged(std::string_view tag) const {
    std::vector<Mark> out;
    for (const Mark& m : marks)
      if (m.tag == tag) out.push_back(m);
    return out;
  }
};

inline Fixture fixture(std::string_view marked) {
  static constexpr std::string_view kOpen = "«", kClose = "»";
  Fixture f;
  std::size_t i = 0;
  while (i < marked.size()) {
    std::size_t open = marked.find(kOpen, i);
    if (open == std::string_view::npos) {
      f.source.append(marked.substr(i));
      break;
    }
    f.source.append(marked.substr(i, open - i));
    std::size_t body = open + kOpen.size();
    std::size_t close = marked.find(kClose, body);
    if (close == std::string_view::npos) throw std::invalid_argument("fixture: « without »");
    std::string_view inner = marked.substr(body, close - body);
    if (inner.find(kOpen) != std::string_view::npos)
      throw std::invalid_argument("fixture: nested «");
    Mark m;
    std::size_t bar = inner.find('|');
    if (bar != std::string_view::npos && bar > 0) {
      bool is_tag = true;
      for (char c : inner.substr(0, bar)) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok) is_tag = false;
      }
      if (is_tag) {
        m.tag = std::string(inner.substr(0, bar));
        inner.remove_prefix(bar + 1);
      }
    }
    m.range.start = static_cast<std::uint32_t>(f.source.size());
    f.source.append(inner);
    m.range.end = static_cast<std::uint32_t>(f.source.size());
    m.text = std::string(inner);
    f.marks.push_back(std::move(m));
    i = close + kClose.size();
  }
  return f;
}

}  // namespace moonring::lua::testing
