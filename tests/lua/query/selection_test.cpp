// Selection ranges: from the name outwards, each range holding the previous one.
#include <catch2/catch.hpp>

#include "lang/lua/query/selection.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

TEST_CASE("selection ranges grow from the name to the file", "[query][selection]") {
  // Marks do not nest: the call and the statement are found by their text.
  auto p = parse_fixture("local x = 1\nlocal y = f(«arg|a» + 2, 3)\nreturn y");
  auto ranges = selection_ranges(p.tree(), p.at("arg") + 1);
  std::vector<std::string> texts;
  for (Range r : ranges) texts.push_back(p.text(r));
  REQUIRE(texts.size() >= 5);
  CHECK(texts[0] == "a");
  CHECK(texts[1] == "a + 2");
  CHECK(std::find(texts.begin(), texts.end(), "f(a + 2, 3)") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "local y = f(a + 2, 3)") != texts.end());
  CHECK(texts.back() == p.fx.source);
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    CHECK(ranges[i].start <= ranges[i - 1].start);
    CHECK(ranges[i].end >= ranges[i - 1].end);
  }
}
