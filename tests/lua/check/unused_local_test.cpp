// unused-local: locals and local functions never read.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("unused-local: never read, only written, or only called by itself", "[check][unused]") {
  auto d = expect_code(DiagnosticCode::UnusedLocal,
                       "local «a» = 1\n"
                       "local «b»; b = 2\n"
                       "local used = 3\n"
                       "local function «rec»(n) return rec(n - 1) end\n"
                       "local function «f»() end\n"
                       "print(used)");
  REQUIRE(d.size() == 4);
  CHECK(d[0].message == "unused local 'a'");
  CHECK(d[1].message == "unused local 'b' (assigned but never read)");
  CHECK(d[2].message == "unused recursive function 'rec'");
  CHECK(d[3].message == "unused function 'f'");
}

TEST_CASE("unused-local: names starting with _ are exempt; captured reads count",
          "[check][unused]") {
  expect_code(DiagnosticCode::UnusedLocal,
              "local _ = 1\nlocal _tmp = 2\nlocal x = 3\nreturn function() return x end");
  expect_code(DiagnosticCode::UnusedLocal, "local «a», «b» = 1, 2");
}

TEST_CASE("unused-local: a local _ENV used through free names is used", "[check][unused]") {
  expect_code(DiagnosticCode::UnusedLocal, "local env = {}\nlocal _ENV = env\nx = 1");
  // In 5.1 free names are globals: env is read, _ENV (exempt by its `_`) is not.
  expect_code(DiagnosticCode::UnusedLocal, "local «env» = {}\nx = 1", LuaVersion::Lua51);
}

TEST_CASE("unused-local: not reported on a file with syntax errors", "[check][unused]") {
  expect_code(DiagnosticCode::UnusedLocal, "local a = 1\nlocal = ");
}

TEST_CASE("unused-local: a <close> local is used by its closing; <const> is not exempt",
          "[check][unused]") {
  expect_code(DiagnosticCode::UnusedLocal,
              "local f <close> = setmetatable({}, {__close = print})\n"
              "local «k» <const> = 1");
}
