// luacheck's inline options read from comments: which spans they cover (their line when code
// precedes them, else the rest of the enclosing function; push/pop), and what they ignore or
// declare there.
#include <catch2/catch.hpp>

#include <string>

#include "lang/lua/config/inline_options.hpp"
#include "lang/lua/syntax/parser.hpp"

using namespace moonring::lua;
using config::InlineOptions;

namespace {

// The byte offset of the first occurrence of `marker` in `source`.
std::uint32_t at(const std::string& source, std::string_view marker) {
  const std::size_t offset = source.find(marker);
  REQUIRE(offset != std::string::npos);
  return static_cast<std::uint32_t>(offset);
}

InlineOptions read(const std::string& source) {
  ParseResult parsed = parse(source, LuaVersion::Lua54);
  REQUIRE(parsed.ok());
  return config::read_inline_options(parsed.tree);
}

}  // namespace

TEST_CASE("an option on a line with code covers that line only", "[config][inline]") {
  const std::string source = "local a = 1 -- luacheck: ignore\nlocal b = 2\n";
  const InlineOptions options = read(source);
  CHECK(options.ignores_at("unused-local", "a", at(source, "a =")));
  CHECK_FALSE(options.ignores_at("unused-local", "b", at(source, "b =")));
}

TEST_CASE("an option on its own line covers the rest of its function", "[config][inline]") {
  const std::string source =
      "local function f()\n"
      "  print(before)\n"
      "  -- luacheck: globals inside, ignore 211/unused_.*\n"
      "  local unused_x = inside\n"
      "end\n"
      "print(inside)\n";
  const InlineOptions options = read(source);
  CHECK_FALSE(options.declares_at("inside", at(source, "before")));
  CHECK(options.declares_at("inside", at(source, "inside\nend")));
  CHECK_FALSE(options.declares_at("inside", at(source, "inside)")));
  CHECK(options.ignores_at("unused-local", "unused_x", at(source, "unused_x")));
  CHECK_FALSE(options.ignores_at("unused-arg", "unused_x", at(source, "unused_x")));
  CHECK_FALSE(options.ignores_at("unused-local", "other", at(source, "unused_x")));
}

TEST_CASE("push and pop end the options between them", "[config][inline]") {
  const std::string source =
      "-- luacheck: push ignore foo, read globals bar (a note, with a comma)\n"
      "foo = bar\n"
      "-- luacheck: pop\n"
      "foo = bar\n"
      "-- luacheck: pop\n";  // unpaired: nothing to undo
  const InlineOptions options = read(source);
  CHECK(options.ignores_at("undefined-global", "foo", at(source, "foo")));
  CHECK(options.declares_at("bar", at(source, "bar")));
  const std::uint32_t after = at(source, "pop\nfoo") + 4;
  CHECK_FALSE(options.ignores_at("undefined-global", "foo", after));
  CHECK_FALSE(options.declares_at("bar", after + 6));
  CHECK(options.declares_at("a", 0) == false);  // notes are not names
}

TEST_CASE("switches map to the codes they turn off", "[config][inline]") {
  const std::string source =
      "-- luacheck: no unused args, no redefined\n"
      "local function f(x) local y = 1 end\n";
  const InlineOptions options = read(source);
  const std::uint32_t x = at(source, "x)");
  CHECK(options.ignores_at("unused-arg", "x", x));
  CHECK(options.ignores_at("shadowing", "x", x));
  CHECK_FALSE(options.ignores_at("unused-local", "y", at(source, "y =")));
}

TEST_CASE("long comments and other comments are not options", "[config][inline]") {
  const std::string source =
      "--[[ luacheck: ignore ]]\n"
      "-- not luacheck: ignore\n"
      "local a = 1\n";
  CHECK(read(source).empty());
}

// Each snippet's expectations are what luacheck 1.1 reports for it (`luacheck --no-config
// --codes`), given as the luacheck code of each warning: moonring's codes cover several of
// luacheck's, and the checker hands ignores_at the precise one.
TEST_CASE("ignore 231/NAME reaches only variables that are never accessed", "[config][inline]") {
  // luacheck: no warning for `errors` (W231, ignored); W231 for `other` (line 211/other only).
  const std::string source =
      "local function f(stanza)\n"
      "  -- luacheck: ignore 231/errors\n"
      "  local fields, errors\n"
      "  fields, errors = stanza, {}\n"
      "  local other\n"
      "  other = 1 -- luacheck: ignore 211/other\n"
      "  return fields\n"
      "end\n"
      "return f\n";
  const InlineOptions options = read(source);
  const std::uint32_t errors = at(source, "errors\n");
  CHECK(options.ignores_at("unused-local", "errors", errors, "231"));
  CHECK_FALSE(options.ignores_at("unused-local", "errors", errors, "211"));
  CHECK_FALSE(options.ignores_at("unused-arg", "errors", errors, "232"));
  // The option on `other = 1` covers that line, not the declaration's, where luacheck reports.
  CHECK_FALSE(options.ignores_at("unused-local", "other", at(source, "other\n"), "231"));
  CHECK(options.ignores_at("unused-local", "other", at(source, "other = 1"), "211"));
  CHECK_FALSE(options.ignores_at("unused-local", "other", at(source, "other = 1"), "231"));
}

TEST_CASE("ignore 4xx/NAME reaches only that kind of shadowing", "[config][inline]") {
  // luacheck: W411 err (line 4), W431 ok (line 6), W421 err (line 10); the 431 of `err` on line
  // 7 and the 422s of `ok` on lines 8 and 10 are ignored.
  const std::string source =
      "-- luacheck: ignore 431/err 422/ok\n"
      "local ok, err = pcall(print)\n"
      "print(ok, err)\n"
      "local res, err = pcall(print)\n"
      "print(res, err)\n"
      "local function g(ok)\n"
      "  local err = 1\n"
      "  do local ok = 2; print(ok) end\n"
      "  for i = 1, 2 do\n"
      "    local ok, err = i, i\n"
      "    print(ok, err)\n"
      "  end\n"
      "  return err, ok\n"
      "end\n"
      "return g\n";
  const InlineOptions options = read(source);
  CHECK_FALSE(
      options.ignores_at("shadowing", "err", at(source, "err = pcall(print)\nprint(res"), "411"));
  CHECK_FALSE(options.ignores_at("shadowing", "ok", at(source, "ok)\n"), "431"));
  CHECK(options.ignores_at("shadowing", "err", at(source, "err = 1"), "431"));
  CHECK(options.ignores_at("shadowing", "ok", at(source, "ok = 2"), "422"));
  CHECK(options.ignores_at("shadowing", "ok", at(source, "ok, err = i"), "422"));
  CHECK_FALSE(options.ignores_at("shadowing", "err", at(source, "err = i"), "421"));
  // Without the precise code (a caller that has none), a code pattern covers the moonring codes
  // any of whose luacheck codes it matches, as before.
  CHECK(options.ignores_at("shadowing", "err", at(source, "err = i")));
}

TEST_CASE("switches use luacheck's own patterns", "[config][inline]") {
  // luacheck's options.lua: unused = "[23]", unused_args = "21[23]", redefined = "4".
  const std::string source =
      "local function f(x) -- luacheck: no unused args\n"
      "  for i = 1, 2 do end\n"
      "  x = 1\n"
      "end\n"
      "local function g() local y; y = 1 end -- luacheck: no unused\n"
      "return f, g\n";
  const InlineOptions options = read(source);
  const std::uint32_t x = at(source, "x)");
  CHECK(options.ignores_at("unused-arg", "x", x, "212"));
  CHECK_FALSE(options.ignores_at("unused-arg", "x", x, "232"));  // 21[23] leaves 232
  const std::uint32_t y = at(source, "y;");
  CHECK(options.ignores_at("unused-local", "y", y, "231"));
  CHECK(options.ignores_at("unused-local", "y", y, "211"));
}
