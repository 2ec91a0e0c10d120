// Document links: require names resolved to workspace files like package.path.
#include <catch2/catch.hpp>

#include "lang/lua/query/document_links.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;

TEST_CASE("require names link to the files they load", "[query][links]") {
  auto w = make_workspace({{"/ws/a/b.lua", "return {}"},
                           {"/ws/c/init.lua", "return {}"},
                           {"/ws/main.lua",
                            "local b = require \"«ab|a.b»\"\n"
                            "local c = require('«c|c»')\n"
                            "local x = require \"missing\"\n"
                            "local s = require [[a.b]]\n"
                            "local function require2() end"}},
                          {"/ws"});
  const auto& p = w.at("/ws/main.lua");
  auto links = document_links(w.index, p.tree(), p.binding);
  REQUIRE(links.size() == 3);
  CHECK(links[0].range.start == p.at("ab"));
  CHECK(links[0].range.end == p.ranges("ab")[0].end);
  CHECK(links[0].target == "/ws/a/b.lua");
  CHECK(links[1].target == "/ws/c/init.lua");
  CHECK(links[1].module == "c");
  CHECK(links[2].target == "/ws/a/b.lua");
  // A configured pattern.
  w.index.set_search({"/ws"}, {"?/init.lua"});
  CHECK(document_links(w.index, p.tree(), p.binding).size() == 1);
}
