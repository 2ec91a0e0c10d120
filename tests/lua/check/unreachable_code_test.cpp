// unreachable-code: statements after return/break/goto (and statements that never complete), up
// to the next label.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

TEST_CASE("unreachable-code: after break and goto in the same block (5.2+)",
          "[check][unreachable]") {
  auto d = expect_code(DiagnosticCode::UnreachableCode,
                       "for i = 1, 3 do\n"
                       "  break\n"
                       "  «print(i)\n"
                       "  print(i + 1)»\n"
                       "end\n"
                       "goto done\n"
                       "«print(2)»\n"
                       "::done::\n"
                       "print(3)");
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "unreachable code (after the break on line 2)");
  CHECK(d[1].message == "unreachable code (after the goto on line 6)");
}

TEST_CASE("unreachable-code: the continue idiom is reachable", "[check][unreachable]") {
  expect_code(DiagnosticCode::UnreachableCode,
              "for i = 1, 3 do\n"
              "  if i == 2 then goto continue end\n"
              "  print(i)\n"
              "  ::continue::\n"
              "end");
}

TEST_CASE("unreachable-code: do return end, if/else that all leave, endless loops",
          "[check][unreachable]") {
  expect_code(DiagnosticCode::UnreachableCode,
              "local function f(x)\n"
              "  do return end\n"
              "  «print(x)»\n"
              "end\n"
              "local function g(x)\n"
              "  if x then return 1 elseif x == nil then return 2 else error('no') return 3 end\n"
              "  «print(x)»\n"
              "end\n"
              "local function h(x)\n"
              "  if x then return 1 end\n"
              "  print(x)\n"
              "end\n"
              "local function w()\n"
              "  while true do print(1) end\n"
              "  «print(2)»\n"
              "end\n"
              "local function b()\n"
              "  while true do if f() then break end end\n"
              "  repeat print(1) until false\n"
              "  «print(3)»\n"
              "end\n"
              "return f, g, h, w, b");
}

TEST_CASE("unreachable-code: one diagnostic for a run, none inside it", "[check][unreachable]") {
  expect_code(DiagnosticCode::UnreachableCode,
              "for i = 1, 2 do\n"
              "  break\n"
              "  «do print(i) return end\n"
              "  print(i)»\n"
              "end");
}

TEST_CASE("unreachable-code: 5.1 has no goto and break ends a block", "[check][unreachable]") {
  expect_code(DiagnosticCode::UnreachableCode, "for i = 1, 2 do\n  do break end\n  «print(i)»\nend",
              LuaVersion::Lua51);
}
