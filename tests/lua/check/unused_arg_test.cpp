// unused-arg: parameters never read; the implicit self and _-names exempt.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("unused-arg: parameters never read", "[check][unused]") {
  auto d = expect_code(DiagnosticCode::UnusedArg,
                       "local function f(a, «b», _c) return a end\n"
                       "local g = function(«x», ...) return ... end\n"
                       "return f, g");
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "unused argument 'b'");
}

TEST_CASE("unused-arg: the implicit self of a method is exempt, an explicit one is not",
          "[check][unused]") {
  expect_code(DiagnosticCode::UnusedArg,
              "local obj = {}\n"
              "function obj:m() return 1 end\n"
              "function obj.n(«self») return 2 end\n"
              "return obj");
}

TEST_CASE("unused-arg: 5.1's implicit arg is never reported, nor shadowed by local arg",
          "[check][unused]") {
  auto all = moonring::lua::testing::run_check(
      "local function f(...) local arg = {...} return arg end\nreturn f", LuaVersion::Lua51);
  CHECK(all.empty());
}
