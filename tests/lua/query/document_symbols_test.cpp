// The outline: nesting, kinds, names and selection ranges.
#include <catch2/catch.hpp>

#include "lang/lua/query/document_symbols.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

TEST_CASE("document symbols nest functions, tables and their keys", "[query][outline]") {
  auto p = parse_fixture(
      "local M = { «version|version» = 1, «helper|helper» = function(x) end }\n"
      "local function «build|build»(a, b)\n"
      "  local «inner|inner» = 1\n"
      "  for i = 1, 2 do local «loopvar|deep» = i end\n"
      "end\n"
      "function M.«run|run»(self) end\n"
      "function M:«stop|stop»() end\n"
      "«config|config» = { «debug|debug» = false }\n"
      "M.«handler|handler» = function() end\n"
      "M.count = 1\n"
      "return M");
  auto symbols = document_symbols(p.tree(), p.binding);
  std::vector<std::string> names;
  for (const auto& s : symbols) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"M", "build", "M.run", "M:stop", "config", "M.handler"});
  const auto& m = symbols[0];
  REQUIRE(m.children.size() == 2);
  CHECK(m.children[0].name == "version");
  CHECK(m.children[0].kind == OutlineKind::Field);
  CHECK(m.children[0].selection.start == p.at("version"));
  CHECK(m.children[1].kind == OutlineKind::Function);
  CHECK(m.children[1].detail == "(x)");
  const auto& build = symbols[1];
  CHECK(build.kind == OutlineKind::Function);
  CHECK(build.detail == "local (a, b)");
  CHECK(build.selection.start == p.at("build"));
  REQUIRE(build.children.size() == 2);
  CHECK(build.children[0].name == "inner");
  CHECK(build.children[1].name == "deep");
  CHECK(symbols[2].selection.start == p.at("run"));
  CHECK(symbols[3].kind == OutlineKind::Method);
  CHECK(symbols[3].selection.start == p.at("stop"));
  CHECK(symbols[4].detail == "global");
  REQUIRE(symbols[4].children.size() == 1);
  CHECK(symbols[4].children[0].selection.start == p.at("debug"));
  CHECK(symbols[5].kind == OutlineKind::Method);
  CHECK(symbols[5].selection.start == p.at("handler"));
  // The range holds the whole statement, the selection only the name.
  CHECK(build.range.start < build.selection.start);
  CHECK(build.range.end > build.selection.end);
}
