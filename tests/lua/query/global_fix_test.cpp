// The declare-global quick fix's halves: the global at a diagnostic's offset, and the
// .luarc.json text that declares it (made, or edited keeping the other keys; JSONC refused).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "lang/lua/query/global_fix.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;
using nlohmann::ordered_json;

TEST_CASE("the global at an offset", "[query][global_fix]") {
  auto p = parse_fixture("local a = 1\nprint(a, «at|missing_name»)");
  CHECK(global_at(p.tree(), p.binding, p.at("at")) == "missing_name");
  CHECK(global_at(p.tree(), p.binding, p.at("at") + 3) == "missing_name");
  auto local = parse_fixture("local «at|a» = 1\nreturn a");
  CHECK(!global_at(local.tree(), local.binding, local.at("at")));
}

TEST_CASE(".luarc.json made or edited to declare a global", "[query][global_fix]") {
  auto made = luarc_with_global(std::nullopt, "g");
  REQUIRE(made);
  CHECK(ordered_json::parse(*made) == ordered_json::parse(R"({"diagnostics":{"globals":["g"]}})"));

  auto edited = luarc_with_global(
      R"({"runtime":{"version":"Lua 5.1"},"diagnostics":{"disable":["unused-local"]}})", "g");
  REQUIRE(edited);
  CHECK(ordered_json::parse(*edited) == ordered_json::parse(R"({"runtime":{"version":"Lua 5.1"},
                                "diagnostics":{"disable":["unused-local"],"globals":["g"]}})"));
  // The other keys keep their order.
  CHECK(edited->find("runtime") < edited->find("diagnostics"));

  auto appended = luarc_with_global(R"({"diagnostics.globals":["a"]})", "g");
  REQUIRE(appended);
  CHECK(ordered_json::parse(*appended) ==
        ordered_json::parse(R"({"diagnostics.globals":["a","g"]})"));

  CHECK(luarc_with_global("  \n", "g"));                                   // empty: made anew
  CHECK(!luarc_with_global(R"({"diagnostics":{"globals":["g"]}})", "g"));  // declared already
  CHECK(!luarc_with_global("// mine\n{}", "g"));                           // comments kept
  CHECK(!luarc_with_global("[1]", "g"));
  CHECK(!luarc_with_global(R"({"diagnostics":{"globals":"g"}})", "g"));
}
