// unused-loop-var: loop variables never read.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("unused-loop-var: numeric and generic loops", "[check][unused]") {
  auto d = expect_code(DiagnosticCode::UnusedLoopVar,
                       "for «i» = 1, 10 do print(1) end\n"
                       "for «k», v in pairs({}) do print(v) end\n"
                       "for _, w in ipairs({}) do print(w) end\n"
                       "for j = 1, 2 do print(j) end");
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "unused loop variable 'i'");
  CHECK(d[1].message == "unused loop variable 'k'");
}
