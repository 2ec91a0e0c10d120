// The fixture marker helper: marks removed, ranges and tags kept.
#include <catch2/catch.hpp>

#include "tests/lua/semantic/fixture.hpp"

using moonring::lua::testing::fixture;

TEST_CASE("fixture: untagged and tagged marks", "[fixture]") {
  auto f = fixture("local «a|x» = «y» «a | b»");
  CHECK(f.source == "local x = y a | b");
  REQUIRE(f.marks.size() == 3);
  CHECK(f.marks[0].tag == "a");
  CHECK(f.marks[0].range.start == 6);
  CHECK(f.marks[0].range.end == 7);
  CHECK(f.marks[1].tag.empty());
  CHECK(f.marks[1].text == "y");
  CHECK(f.marks[2].tag.empty());
  CHECK(f.marks[2].text == "a | b");
  CHECK(f.source.substr(f.marks[2].range.start, 5) == "a | b");
}

TEST_CASE("fixture: malformed marks are errors", "[fixture]") {
  CHECK_THROWS(fixture("local «x = 1"));
  CHECK_THROWS(fixture("«a «b» c»"));
}
