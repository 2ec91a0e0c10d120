// A parsed and bound fixture for the query tests: Lua text with «tag|text» marks (see
// tests/lua/semantic/fixture.hpp); `at(tag)` is where a mark starts, `ranges(tag)` its ranges.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "tests/lua/semantic/fixture.hpp"

namespace moonring::lua::testing {

struct Parsed {
  Fixture fx;
  ParseResult parsed;
  FileBinding binding;

  const Tree& tree() const { return parsed.tree; }
  std::uint32_t at(std::string_view tag) const {
    auto marks = fx.tagged(tag);
    REQUIRE(marks.size() == 1);
    return marks[0].range.start;
  }
  std::vector<Range> ranges(std::string_view tag) const {
    std::vector<Range> out;
    for (const Mark& m : fx.tagged(tag)) out.push_back(m.range);
    return out;
  }
  std::string text(Range r) const { return fx.source.substr(r.start, r.end - r.start); }
};

// Parses and binds a fixture; `allow_errors` for code being typed.
inline Parsed parse_fixture(std::string_view marked, LuaVersion version = LuaVersion::Lua54,
                            bool allow_errors = false) {
  Parsed p{fixture(marked), {}, {}};
  p.parsed = parse(p.fx.source, version);
  INFO(p.fx.source);
  if (!allow_errors) {
    INFO("first error: " << (p.parsed.ok() ? "" : p.parsed.errors[0].message));
    REQUIRE(p.parsed.ok());
  }
  p.binding = bind(p.parsed.tree);
  return p;
}

inline bool same_ranges(const std::vector<Range>& a, const std::vector<Range>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
  return true;
}

}  // namespace moonring::lua::testing
