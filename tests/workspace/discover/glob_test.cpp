// The gitignore glob matcher against a table of patterns and paths (checked against
// `git check-ignore` when the table was written).
#include <catch2/catch.hpp>

#include "workspace/discover/glob.hpp"

using moonring::workspace::glob_match;
using moonring::workspace::GlobRule;
using moonring::workspace::parse_glob_rule;

namespace {
struct Case {
  const char* pattern;
  const char* path;
  bool match;
};
}  // namespace

TEST_CASE("glob_match: wildcards, classes, escapes and **") {
  const Case cases[] = {
      {"*.lua", "a.lua", true},
      {"*.lua", "a.luac", false},
      {"*.lua", "dir/a.lua", false},  // '*' never crosses '/'
      {"*", "", true},
      {"a?c", "abc", true},
      {"a?c", "a/c", false},
      {"a?c", "ac", false},
      {"[abc].lua", "b.lua", true},
      {"[abc].lua", "d.lua", false},
      {"[a-c]x", "bx", true},
      {"[!a-c]x", "bx", false},
      {"[!a-c]x", "dx", true},
      {"[^a-c]x", "dx", true},
      {"[]]x", "]x", true},
      {"[!]]x", "ax", true},
      {"[a-]x", "-x", true},
      {"[[:digit:]]*.lua", "1a.lua", true},
      {"[[:digit:]]*.lua", "a1.lua", false},
      {"[[:upper:][:digit:]]", "Q", true},
      {"[abc", "a", false},  // unclosed class: no match
      {"[/]x", "/x", false},
      {"\\*.lua", "*.lua", true},
      {"\\*.lua", "a.lua", false},
      {"a\\?", "a?", true},
      {"**/foo", "foo", true},
      {"**/foo", "a/b/foo", true},
      {"**/foo", "a/foo/b", false},
      {"foo/**", "foo/a", true},
      {"foo/**", "foo/a/b", true},
      {"foo/**", "foo", false},
      {"a/**/b", "a/b", true},
      {"a/**/b", "a/x/b", true},
      {"a/**/b", "a/x/y/b", true},
      {"a/**/b", "a/xb", false},
      {"a**b", "axyb", true},  // not a whole component: a plain star
      {"a**b", "ax/yb", false},
      {"**", "a/b/c", true},
      {"*/*.lua", "a/b.lua", true},
      {"*/*.lua", "a/b/c.lua", false},
      {"**/gen/*.lua", "x/y/gen/a.lua", true},
      {"**/gen/*.lua", "gen/a.lua", true},
      {"**/gen/*.lua", "gen/sub/a.lua", false},
      {"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
       false},
  };
  for (const auto& c : cases) {
    INFO("pattern " << c.pattern << " path " << c.path);
    CHECK(glob_match(c.pattern, c.path) == c.match);
  }
}

TEST_CASE("parse_glob_rule: the gitignore line rules") {
  GlobRule r;
  CHECK_FALSE(parse_glob_rule("", r));
  CHECK_FALSE(parse_glob_rule("   ", r));
  CHECK_FALSE(parse_glob_rule("# a comment", r));
  CHECK_FALSE(parse_glob_rule("!", r));
  CHECK_FALSE(parse_glob_rule("/", r));

  REQUIRE(parse_glob_rule("\\#hash", r));
  CHECK(r.pattern == "\\#hash");
  CHECK(r.matches("#hash", false));

  REQUIRE(parse_glob_rule("!keep.lua", r));
  CHECK(r.negated);
  CHECK_FALSE(r.anchored);
  REQUIRE(parse_glob_rule("\\!bang", r));
  CHECK_FALSE(r.negated);
  CHECK(r.matches("!bang", false));

  REQUIRE(parse_glob_rule("build/", r));
  CHECK(r.dir_only);
  CHECK_FALSE(r.anchored);  // a trailing slash alone does not anchor
  CHECK(r.matches("a/build", true));
  CHECK_FALSE(r.matches("a/build", false));

  REQUIRE(parse_glob_rule("/top", r));
  CHECK(r.anchored);
  CHECK(r.matches("top", false));
  CHECK_FALSE(r.matches("a/top", false));

  REQUIRE(parse_glob_rule("doc/*.lua", r));
  CHECK(r.anchored);  // a slash in the middle anchors
  CHECK(r.matches("doc/a.lua", false));
  CHECK_FALSE(r.matches("x/doc/a.lua", false));

  REQUIRE(parse_glob_rule("trail.lua   ", r));
  CHECK(r.pattern == "trail.lua");
  REQUIRE(parse_glob_rule("space\\ ", r));
  CHECK(r.matches("space ", false));
  REQUIRE(parse_glob_rule("crlf.lua\r", r));
  CHECK(r.pattern == "crlf.lua");
}
