// syntax-error: the parser's errors, the first on luac's line, each at its token.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::fixture;
using moonring::lua::testing::only;
using moonring::lua::testing::run_check;

TEST_CASE("syntax-error: reported at the token, with the parser's message", "[check][syntax]") {
  auto fx = fixture("local x = 1\nlocal y = «=» 2\n");
  auto d = only(run_check(fx.source), DiagnosticCode::SyntaxError);
  REQUIRE(!d.empty());
  CHECK(d[0].start.line == 2);
  CHECK(d[0].range.start == fx.marks[0].range.start);
  CHECK(d[0].range.end == fx.marks[0].range.end);
  CHECK(d[0].severity == Severity::Error);
  CHECK(d[0].message.find("near '='") != std::string::npos);
}

TEST_CASE("syntax-error: a clean file has none; version matters", "[check][syntax]") {
  CHECK(only(run_check("local a = 1 // 2\nreturn a"), DiagnosticCode::SyntaxError).empty());
  CHECK(
      !only(run_check("local a = 1 // 2\nreturn a", LuaVersion::Lua51), DiagnosticCode::SyntaxError)
           .empty());
}

TEST_CASE("syntax-error: at the end of the file the range is empty", "[check][syntax]") {
  std::string source = "function f()\n  return 1\n";
  auto d = only(run_check(source), DiagnosticCode::SyntaxError);
  REQUIRE(!d.empty());
  CHECK(d[0].range.start == source.size());
  CHECK(d[0].range.end == source.size());
}
