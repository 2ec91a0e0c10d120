// Binder scoping rules: where a local becomes visible and where it stops being visible.
#include <catch2/catch.hpp>

#include "tests/lua/semantic/bind_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::bind_fixture;

TEST_CASE("a local is visible only after its statement: local x = x reads the outer x",
          "[semantic][scope]") {
  bind_fixture("local «a|x» = «g|x»\n«g|print»(«a|x»)");
  bind_fixture("local «a|x» = 1\nlocal «b|x» = «a|x» + 1\n«g|print»(«b|x»)");
  // Two names of one statement: both see the outer names.
  bind_fixture("local «a|a», «b|b» = «g|b», «g|a»\n«g|print»(«a|a», «b|b»)");
}

TEST_CASE("local function is visible in its own body; local f = function is not",
          "[semantic][scope]") {
  auto b = bind_fixture(
      "local function «f|fact»(«n|n»)\n"
      "  if «n|n» == 0 then return 1 end\n"
      "  return «n|n» * «f|fact»(«n|n» - 1)\n"
      "end\n"
      "local «h|g» = function() return «g|g»() end\n"
      "return «h|g»");
  CHECK(b.local("f").kind == LocalKind::LocalFunction);
  CHECK(b.local("f").reads == 0);
  CHECK(b.local("f").self_reads == 1);
  CHECK(b.local("h").reads == 1);
}

TEST_CASE("repeat-until: the condition sees the body's locals", "[semantic][scope]") {
  bind_fixture(
      "repeat\n  local «a|done» = «g|step»()\nuntil «a|done»\n"
      "return «g|done»");
}

TEST_CASE("blocks end their locals; the outer local is visible again", "[semantic][scope]") {
  bind_fixture(
      "local «a|x» = 1\n"
      "do local «b|x» = 2; «g|print»(«b|x») end\n"
      "if «a|x» then local «c|x» = 3; «g|print»(«c|x») else «g|print»(«a|x») end\n"
      "while «a|x» do local «d|x» = 4; «g|print»(«d|x») end\n"
      "«g|print»(«a|x»)");
  bind_fixture("do local «a|y» = 1 end\nreturn «g|y»");
}

TEST_CASE("loop variables: scoped to the loop; its bounds see the outer names",
          "[semantic][scope]") {
  auto b = bind_fixture(
      "local «o|i» = 1\n"
      "for «i|i» = «o|i», «g|n» do «g|print»(«i|i») end\n"
      "for «k|k», «v|v» in «g|pairs»(«g|t») do «g|print»(«k|k», «v|v») end\n"
      "return «o|i», «g|k»");
  CHECK(b.local("i").kind == LocalKind::LoopVar);
  CHECK(b.local("k").kind == LocalKind::LoopVar);
  CHECK(b.local("o").kind == LocalKind::Local);
}

TEST_CASE("params, varargs and the implicit self of methods", "[semantic][scope]") {
  auto b = bind_fixture(
      "function «g|obj»:«self|m»(«a|a», ...)\n"
      "  return «self|self».x + «a|a», ...\n"
      "end\n"
      "function «g|obj».f() return «g|self» end");
  CHECK(b.local("self").kind == LocalKind::Self);
  CHECK(b.local("self").reads == 1);
  CHECK(b.local("a").kind == LocalKind::Param);
}

TEST_CASE("function statements: x() sets x; a.b.c() and a:m() read a", "[semantic][scope]") {
  bind_fixture(
      "function «s|f»() end\n"
      "function «g|a».b.c() end\n"
      "function «g|a»:m() end\n"
      "«g|x».y = 1\n"
      "«g|x»[«g|k»] = 2\n"
      "«s|x» = «g|x»");
  auto b = bind_fixture("local «l|f»\nfunction «l|f»() return 1 end\nreturn «l|f»");
  CHECK(b.local("l").writes == 1);
  CHECK(b.local("l").reads == 1);
}

TEST_CASE("field names, method names, table keys and labels are not variables",
          "[semantic][scope]") {
  bind_fixture(
      "local «t|t» = { a = 1, [«g|k»] = 2, «g|v» }\n"
      "«g|print»(«t|t».a, «t|t»:m(«t|t».b))\n"
      "for «i|i» = 1, 3 do\n"
      "  if «i|i» == 2 then goto continue end\n"
      "  «g|print»(«i|i»)\n"
      "  ::continue::\n"
      "end");
}

TEST_CASE("attribs are recorded (5.4)", "[semantic][scope]") {
  auto b = bind_fixture(
      "local «c|x» <const>, «d|y» <close> = 1, nil\n"
      "return «c|x», «d|y»");
  CHECK(b.local("c").attrib == LocalAttrib::Const);
  CHECK(b.local("d").attrib == LocalAttrib::Close);
}

TEST_CASE("shadowing links point at the local that was visible", "[semantic][scope]") {
  auto b = bind_fixture(
      "local «a|x» = 1\n"
      "local function «f|f»(«p|x»)\n"
      "  do local «b|x» = «p|x» end\n"
      "  return «p|x»\n"
      "end\n"
      "return «f|f», «a|x»");
  CHECK(b.local("a").shadows == kNoLocal);
  CHECK(b.local("p").shadows == b.locals.at("a"));
  CHECK(b.local("b").shadows == b.locals.at("p"));
  CHECK(b.local("b").function == b.local("p").function);
  CHECK(b.local("b").scope != b.local("p").scope);
  CHECK(b.local("p").function != b.local("a").function);
}
