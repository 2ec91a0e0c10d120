// shadowing: a local declared where a local of the same name is visible.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("shadowing: enclosing block, same block, upvalue", "[check][shadowing]") {
  auto d = expect_code(DiagnosticCode::Shadowing,
                       "local x = 1\n"
                       "do local «x» = 2; print(x) end\n"
                       "local «x» = 3\n"
                       "local function f(a)\n"
                       "  local «a» = a or 0\n"
                       "  local «x» = a\n"
                       "  return x\n"
                       "end\n"
                       "for i = 1, 2 do for «i» = 1, 2 do print(i) end end\n"
                       "print(x, f)");
  REQUIRE(d.size() == 5);
  CHECK(d[0].message == "'x' shadows local 'x' on line 1");
  CHECK(d[1].message == "'x' redefines local 'x' on line 1");
  CHECK(d[2].message == "'a' redefines argument 'a' on line 4");
  CHECK(d[3].message == "'x' shadows upvalue 'x' on line 3");
  CHECK(d[4].message == "'i' shadows loop variable 'i' on line 9");
}

TEST_CASE("shadowing: _-names and the implicit self of nested methods are exempt",
          "[check][shadowing]") {
  expect_code(DiagnosticCode::Shadowing,
              "for _, v in ipairs({}) do for _, w in ipairs({}) do print(v, w) end end\n"
              "local obj = {}\n"
              "function obj:m() function obj:n() return self end return self end\n"
              "local y = 1\n"
              "local function g() local «y» = 2 return y end\n"
              "return g");
  // Not shadowing: the earlier local is out of scope.
  expect_code(DiagnosticCode::Shadowing, "do local z = 1 print(z) end\nlocal z = 2 print(z)");
}
