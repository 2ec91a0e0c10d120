// _ENV: in 5.2+ a free name is _ENV.name; a local or param named _ENV makes free names its fields.
// In 5.1 and LuaJIT _ENV is an ordinary name and free names are globals.
#include <catch2/catch.hpp>

#include "tests/lua/semantic/bind_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::bind_fixture;

TEST_CASE("5.2+: free names are globals through the chunk's _ENV", "[semantic][env]") {
  for (LuaVersion v : {LuaVersion::Lua52, LuaVersion::Lua53, LuaVersion::Lua54}) {
    bind_fixture("«s|x» = «g|y» + 1\nreturn «env|_ENV»", v);
  }
}

TEST_CASE("5.2+: a local _ENV turns free names into its fields, not globals", "[semantic][env]") {
  auto b = bind_fixture(
      "local «e|_ENV» = { «g|print» }\n"
      "«f.e|x» = «f.e|y»\n"
      "function «f.e|f»() return «f.e|z» end\n"
      "return «e|_ENV»");
  CHECK(b.local("e").reads == 5);  // x, y, f, z and the explicit _ENV
  CHECK(b.local("e").captured);    // z is read inside f
}

TEST_CASE("5.2+: a param named _ENV too, and only in its scope", "[semantic][env]") {
  bind_fixture(
      "local function «f|run»(«e|_ENV») return «f.e|x» end\n"
      "do local «d|_ENV» = {} «f.d|y» = 1 end\n"
      "«s|y» = «f|run»");
}

TEST_CASE("5.2+: _ENV.x and _ENV[\"x\"] on the chunk's _ENV are the global x", "[semantic][env]") {
  bind_fixture(
      "«env|_ENV».«s|x» = 1\n"
      "«g|print»(«env|_ENV».«g|x», «env|_ENV»[«g|\"y\"»], «env|_ENV»[«g|k»])");
  // Through a local _ENV they are plain field accesses.
  bind_fixture("local «e|_ENV» = {}\n«e|_ENV».x = «e|_ENV».y");
}

TEST_CASE("5.1 and LuaJIT: _ENV is an ordinary name; free names stay globals", "[semantic][env]") {
  for (LuaVersion v : {LuaVersion::Lua51, LuaVersion::LuaJIT}) {
    auto b = bind_fixture("local «e|_ENV» = {}\n«s|x» = «g|y»\nreturn «g|_G»", v);
    CHECK(b.local("e").reads == 0);
    bind_fixture("«g|_ENV».x = 1\nreturn «g|print»", v);
  }
}

TEST_CASE("5.1: a vararg function has an implicit local arg; the chunk and LuaJIT do not",
          "[semantic][env]") {
  auto b = bind_fixture(
      "local function «f|f»(«a|a», ...) return «a|a», «arg», ... end\n"
      "return «f|f», «g|arg»",
      LuaVersion::Lua51);
  const NameRef* ref = b.binding.ref_at(b.fx.marks[3].range.start);
  REQUIRE(ref != nullptr);
  REQUIRE(ref->target == RefTarget::Local);
  CHECK(b.binding.locals[ref->local].kind == LocalKind::Implicit);
  for (LuaVersion v : {LuaVersion::LuaJIT, LuaVersion::Lua54})
    bind_fixture("local function «f|f»(...) return «g|arg», ... end\nreturn «f|f»", v);
}
