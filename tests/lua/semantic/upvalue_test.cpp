// Upvalues and use counts: captured locals, reads and writes, functions and scopes counted.
#include <catch2/catch.hpp>

#include "tests/lua/semantic/bind_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::bind_fixture;

TEST_CASE("a local referenced from a nested function is captured", "[semantic][upvalue]") {
  auto b = bind_fixture(
      "local «a|x» = 1\n"
      "local «n|y» = 2\n"
      "local function «f|f»()\n"
      "  return function() return «a|x» end\n"
      "end\n"
      "return «f|f»() + «n|y»");
  CHECK(b.local("a").captured);
  CHECK(!b.local("n").captured);
  CHECK(!b.local("f").captured);
  CHECK(b.binding.function_count == 3);
}

TEST_CASE("reads and writes are counted separately", "[semantic][upvalue]") {
  auto b = bind_fixture(
      "local «a|x» = 1\n"
      "«a|x» = 2\n"
      "«a|x» = «a|x» + 1\n"
      "local «w|only_written»\n"
      "«w|only_written» = 3");
  CHECK(b.local("a").reads == 1);
  CHECK(b.local("a").writes == 2);
  CHECK(b.local("w").reads == 0);
  CHECK(b.local("w").writes == 1);
}

TEST_CASE("writes to <const> and <close> locals are recorded", "[semantic][upvalue]") {
  // luac rejects these, so the fixture cannot go through bind_fixture's parse check: bind the
  // tree anyway (the binder works on trees with errors).
  auto fx = moonring::lua::testing::fixture(
      "local x <const> = 1\n«x» = 2\nlocal c <close> = nil\nlocal function f() «c» = 1 end");
  auto parsed = parse(fx.source, LuaVersion::Lua54);
  FileBinding b = bind(parsed.tree);
  REQUIRE(b.const_writes.size() == 2);
  CHECK(b.const_writes[0].range.start == fx.marks[0].range.start);
  CHECK(b.const_writes[1].range.start == fx.marks[1].range.start);
  CHECK(b.locals[b.const_writes[1].local].captured);
}

TEST_CASE("long left spines (a + a + ..., a.b.c..., f()()...) bind without deep recursion",
          "[semantic][upvalue]") {
  // 200,000 terms: a recursive walk down the left operand would overflow the stack.
  std::string sum = "local a = 1\nreturn a", chain = "return x", calls = "return f";
  for (int i = 0; i < 200000; ++i) {
    sum += " + a";
    chain += ".y";
    calls += "()";
  }
  auto p1 = parse(sum, LuaVersion::Lua54);
  REQUIRE(p1.ok());
  FileBinding b1 = bind(p1.tree);
  CHECK(b1.locals[0].reads == 200001);
  CHECK(b1.refs.size() == 200001);
  auto p2 = parse(chain, LuaVersion::Lua54);
  REQUIRE(p2.ok());
  CHECK(bind(p2.tree).globals.size() == 1);
  auto p3 = parse(calls, LuaVersion::Lua54);
  REQUIRE(p3.ok());
  CHECK(bind(p3.tree).globals.size() == 1);
}
