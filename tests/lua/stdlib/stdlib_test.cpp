// The stdlib tables: lookups, signatures, and every version against its real interpreter.
#include "lang/lua/stdlib/stdlib.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "tests/lua/stdlib/oracle.hpp"
#include "tests/skip.hpp"

using moonring::lua::LuaVersion;
namespace stdlib = moonring::lua::stdlib;

namespace {

std::string kind_type(stdlib::Kind kind) {
  switch (kind) {
    case stdlib::Kind::Function:
      return "function";
    case stdlib::Kind::Library:
    case stdlib::Kind::Table:
      return "table";
    case stdlib::Kind::String:
      return "string";
    case stdlib::Kind::Number:
      return "number";
    case stdlib::Kind::File:
      return "userdata";
  }
  return "?";
}

}  // namespace

TEST_CASE("globals differ by version as the manuals say", "[stdlib]") {
  CHECK(stdlib::is_global(LuaVersion::Lua51, "setfenv"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::Lua54, "setfenv"));
  CHECK(stdlib::is_global(LuaVersion::Lua54, "warn"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::Lua53, "warn"));
  CHECK(stdlib::is_global(LuaVersion::LuaJIT, "bit"));
  CHECK(stdlib::is_global(LuaVersion::LuaJIT, "jit"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::LuaJIT, "ffi"));  // require "ffi", not a global
  CHECK(stdlib::is_global(LuaVersion::Lua53, "utf8"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::Lua52, "utf8"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::Lua54, "undefined_thing"));
  // Compatibility names count by default and not when excluded.
  CHECK(stdlib::is_global(LuaVersion::Lua52, "unpack"));
  CHECK_FALSE(stdlib::is_global(LuaVersion::Lua52, "unpack", stdlib::Compat::Exclude));
  CHECK(stdlib::is_field(LuaVersion::Lua54, "math", "pow"));
  CHECK_FALSE(stdlib::is_field(LuaVersion::Lua54, "math", "pow", stdlib::Compat::Exclude));
  CHECK(stdlib::is_field(LuaVersion::Lua51, "table", "getn"));
  CHECK_FALSE(stdlib::is_field(LuaVersion::Lua51, "table", "getn", stdlib::Compat::Exclude));
  CHECK(stdlib::fields(LuaVersion::Lua54, "nosuchlib").empty());
  CHECK(stdlib::fields(LuaVersion::Lua51, "utf8").empty());
}

TEST_CASE("each version's tables are sorted and free of duplicates", "[stdlib]") {
  for (LuaVersion v : stdlib::kAllVersions) {
    auto g = stdlib::globals(v);
    REQUIRE(g.size() > 30);
    for (std::size_t i = 1; i < g.size(); ++i) CHECK(g[i - 1].name < g[i].name);
    for (const auto& m : g) {
      auto f = stdlib::fields(v, m.name);
      CHECK((m.kind == stdlib::Kind::Library) == !f.empty());
      for (std::size_t i = 1; i < f.size(); ++i) CHECK(f[i - 1].name < f[i].name);
    }
  }
}

TEST_CASE("signatures as the manual writes them", "[stdlib]") {
  const auto* load = stdlib::find_global(LuaVersion::Lua54, "load");
  REQUIRE(load != nullptr);
  CHECK(load->params == "chunk [, chunkname [, mode [, env]]]");
  auto p = stdlib::parameters(load->params);
  REQUIRE(p.size() == 4);
  CHECK(p[0].name == "chunk");
  CHECK_FALSE(p[0].optional);
  CHECK(p[3].name == "env");
  CHECK(p[3].optional);

  const auto* load51 = stdlib::find_global(LuaVersion::Lua51, "load");
  REQUIRE(load51 != nullptr);
  CHECK(load51->params == "func [, chunkname]");

  auto insert =
      stdlib::parameters(stdlib::find_field(LuaVersion::Lua54, "table", "insert")->params);
  REQUIRE(insert.size() == 3);
  CHECK(insert[0].name == "list");
  CHECK(insert[1].name == "pos");
  CHECK(insert[1].optional);
  CHECK(insert[2].name == "value");
  CHECK_FALSE(insert[2].optional);

  auto pcall = stdlib::parameters(stdlib::find_global(LuaVersion::Lua54, "pcall")->params);
  REQUIRE(pcall.size() == 3);
  CHECK(pcall[2].vararg);
  CHECK(pcall[2].optional);

  auto print = stdlib::parameters(stdlib::find_global(LuaVersion::Lua51, "print")->params);
  REQUIRE(print.size() == 1);
  CHECK(print[0].vararg);
  CHECK_FALSE(print[0].optional);

  auto bor = stdlib::parameters(stdlib::find_field(LuaVersion::LuaJIT, "bit", "bor")->params);
  REQUIRE(bor.size() == 2);
  CHECK(bor[1].name == "x2");
  CHECK(bor[1].vararg);

  auto on = stdlib::parameters(stdlib::find_field(LuaVersion::LuaJIT, "jit", "on")->params);
  REQUIRE(on.size() == 2);
  CHECK(on[0].name == "func");
  CHECK(on[0].optional);

  CHECK(stdlib::parameters("").empty());
  CHECK(stdlib::find_field(LuaVersion::Lua54, "math", "pi")->kind == stdlib::Kind::Number);
}

// The oracle: what the interpreters installed here define, name for name and key for key.
TEST_CASE("the tables match the real interpreters", "[stdlib][interpreter]") {
  int checked = 0;
  std::string missing;  // the versions with no interpreter here: the others are still checked
  for (LuaVersion v : stdlib::kAllVersions) {
    auto real = moonring::lua::test::interpreter_globals(v);
    if (!real) {
      missing += std::string(missing.empty() ? "" : ", ") +
                 std::string(moonring::lua::lua_version_name(v));
      continue;
    }
    ++checked;
    INFO(real->source);
    REQUIRE(real->types.size() > 20);
    std::set<std::string> ours;
    for (const auto& m : stdlib::globals(v)) {
      // Only the standalone interpreter sets `arg`; a bare library state has no such global.
      if (m.name == "arg" && !real->has_standalone_arg) continue;
      ours.insert(std::string(m.name));
      INFO("global " << m.name);
      auto it = real->types.find(std::string(m.name));
      CHECK(it != real->types.end());
      if (it != real->types.end()) CHECK(it->second == kind_type(m.kind));
    }
    for (const auto& [name, type] : real->types) {
      INFO("interpreter global " << name << " missing from our table");
      CHECK(ours.count(name) == 1);
    }
    for (const auto& [lib, keys] : real->fields) {
      INFO("library " << lib);
      std::set<std::string> our_keys;
      for (const auto& f : stdlib::fields(v, lib)) {
        our_keys.insert(std::string(f.name));
        INFO("field " << f.name);
        CHECK(real->field_types[lib + "." + std::string(f.name)] == kind_type(f.kind));
      }
      CHECK(our_keys == keys);
    }
  }
  CHECK(checked >= 1);
  if (!missing.empty()) {
    return moonring::test::missing_tool(
        "the Lua of " + missing +
        " (Debian: lua5.1, lua5.2, lua5.4, liblua5.3-0, libluajit-5.1-2)");
  }
}
