// redundant-value: more values than variables in a local statement or an assignment.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("redundant-value: extra values in local statements and assignments",
          "[check][redundant-value]") {
  auto d = expect_code(DiagnosticCode::RedundantValue,
                       "local a = 1, «2»\n"
                       "local b, c = 1, 2, «3, f()»\n"
                       "local d, e = f()\n"
                       "local g\n"
                       "a, b = c, d, «e»\n"
                       "return a, b, c, d, e, g");
  REQUIRE(d.size() == 3);
  CHECK(d[0].message == "2 values for 1 variable: 1 value is never assigned");
  CHECK(d[1].message == "4 values for 2 variables: 2 values are never assigned");
}
