// duplicate-key: the same constant key twice in one table constructor.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("duplicate-key: names, strings and numbers", "[check][duplicate-key]") {
  auto d = expect_code(DiagnosticCode::DuplicateKey,
                       "return {\n"
                       "  a = 1, b = 2, «a» = 3,\n"
                       "  [«\"b\"»] = 4,\n"
                       "  [1] = 'x', [«1.0»] = 'y', [«0x1»] = 'z',\n"
                       "  [2.5] = 1, [«2.5»] = 2,\n"
                       "  [true] = 1, [«true»] = 2, [false] = 3,\n"
                       "}");
  REQUIRE(d.size() == 6);
  CHECK(d[0].message == "duplicate key 'a' in table constructor (first on line 2)");
  CHECK(d[1].message == "duplicate key 'b' in table constructor (first on line 2)");
  CHECK(d[2].message == "duplicate key 1 in table constructor (first on line 4)");
}

TEST_CASE("duplicate-key: positional fields take 1, 2, 3...", "[check][duplicate-key]") {
  expect_code(DiagnosticCode::DuplicateKey,
              "local t1 = { [1] = 'a', «'b'» }\n"
              "local t2 = { 'a', 'b', [«2»] = 'c', [3] = 'd' }\n"
              "local t3 = { [1] = 'a', f() }\n"
              "local t4 = { [1] = 'a', ... }\n"
              "local t5 = { [1] = 'a', «(f())» }\n"
              "local t6 = { [x] = 1, [x] = 2, x = 3, [«'x'»] = 4 }\n"
              "return t1, t2, t3, t4, t5, t6");
}

TEST_CASE("duplicate-key: separate constructors do not clash", "[check][duplicate-key]") {
  expect_code(DiagnosticCode::DuplicateKey, "return { a = 1, b = { a = 2 } }, { a = 3 }");
}
