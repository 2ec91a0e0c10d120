// Folding ranges: each marked construct folds from its start to its closing line. Marks: «f|...»
// is a region that must fold, «c|...» a comment run; the closing line is the last line of the mark.
#include <catch2/catch.hpp>

#include "lang/lua/query/folding.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

TEST_CASE("folding: blocks, if arms, tables, long strings and comment runs", "[query][folding]") {
  auto p = parse_fixture(
      "«c|-- one\n"
      "-- two»\n"
      "local function f(a)\n"
      "  if a then\n"
      "    return 1\n"
      "  else\n"
      "    return 2\n"
      "  end\n"
      "end\n"
      "local t = {\n"
      "  1, 2,\n"
      "}\n"
      "local s = [[\n"
      "text]]\n"
      "local one_line = { 1 }\n"
      "--[[ long\n"
      "comment ]]");
  auto folds = folding_ranges(p.tree());
  const Tree& t = p.tree();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> lines;
  for (const auto& f : folds)
    lines.push_back({t.position(f.start).line, t.position(f.end).line - 1});
  // function 3-8, if arm 4-5, else arm 6-7, table 10-11, long string 13-13, comments 1-1, 16-16.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> want = {{1, 1},   {3, 8},   {4, 5},  {6, 7},
                                                               {10, 11}, {13, 13}, {16, 16}};
  CHECK(lines == want);
  CHECK(folds.front().kind == FoldingRange::Comment);
  CHECK(folds.back().kind == FoldingRange::Comment);
  CHECK(folds.front().start == p.at("c"));
}
