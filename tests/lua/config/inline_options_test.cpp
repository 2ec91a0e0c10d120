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
