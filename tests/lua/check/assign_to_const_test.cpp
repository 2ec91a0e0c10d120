// assign-to-const: assignments to <const> and <close> locals (5.4), reported once, on the name.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;
using moonring::lua::testing::fixture;
using moonring::lua::testing::only;
using moonring::lua::testing::run_check;

TEST_CASE("assign-to-const: const and close locals, also from a closure", "[check][const]") {
  auto d = expect_code(DiagnosticCode::AssignToConst,
                       "local x <const> = 1\n"
                       "«x» = 2\n"
                       "local c <close> = nil\n"
                       "local function f() «c» = 1 end\n"
                       "function «x»() end\n"
                       "local y = 1\ny = 2\n"
                       "return f, y");
  REQUIRE(d.size() == 3);
  CHECK(d[0].message == "attempt to assign to const variable 'x' (declared <const> on line 1)");
  CHECK(d[0].severity == Severity::Error);
}

TEST_CASE("assign-to-const: luac's compile error is not reported again as a syntax error",
          "[check][const]") {
  auto all = run_check("local x <const> = 1\nx = 2\n");
  CHECK(only(all, DiagnosticCode::AssignToConst).size() == 1);
  CHECK(only(all, DiagnosticCode::SyntaxError).empty());
}
