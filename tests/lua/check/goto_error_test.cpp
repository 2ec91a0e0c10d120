// goto-error: undefined label, jump into the scope of a local, duplicate label (5.2+): the
// compiler's error under its own code, not also as a syntax-error.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::only;
using moonring::lua::testing::run_check;

namespace {
// The one goto-error is on the marked label name and says `words`.
void expect_goto_error(std::string_view marked, std::string_view words) {
  auto fx = moonring::lua::testing::fixture(marked);
  auto all = run_check(fx.source);
  INFO(fx.source);
  auto gotos = only(all, DiagnosticCode::GotoError);
  REQUIRE(gotos.size() == 1);
  CHECK(only(all, DiagnosticCode::SyntaxError).empty());
  REQUIRE(fx.marks.size() == 1);
  CHECK(gotos[0].range.start == fx.marks[0].range.start);
  CHECK(gotos[0].range.end == fx.marks[0].range.end);
  CHECK(gotos[0].severity == Severity::Error);
  CHECK(gotos[0].message.find(words) != std::string::npos);
}
}  // namespace

TEST_CASE("goto-error: the three goto rules, on the label name", "[check][goto]") {
  expect_goto_error("print(1)\ngoto «nowhere»\n", "no visible label 'nowhere'");
  expect_goto_error("goto «skip»\nlocal x = 1\n::skip::\nprint(x)\n", "jumps into the scope");
  expect_goto_error("::a::\nprint(1)\n::«a»::\n", "label 'a' already defined");
}

TEST_CASE("goto-error: valid gotos report nothing", "[check][goto]") {
  auto all = run_check(
      "for i = 1, 3 do\n  if i == 2 then goto continue end\n  print(i)\n  ::continue::\nend\n");
  CHECK(only(all, DiagnosticCode::GotoError).empty());
  CHECK(only(all, DiagnosticCode::SyntaxError).empty());
}
