// workspace/symbol: fuzzy matching and ranking over the index.
#include <catch2/catch.hpp>

#include "lang/lua/query/workspace_symbols.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;

TEST_CASE("fuzzy scores: exact, prefix, word starts, runs", "[query][wsymbol]") {
  CHECK(fuzzy_score("xyz", "parse") == -1);
  CHECK(fuzzy_score("get", "get") > fuzzy_score("get", "get_value"));
  CHECK(fuzzy_score("gv", "get_value") > fuzzy_score("gv", "give"));
  CHECK(fuzzy_score("gv", "getValue") > 0);
  CHECK(fuzzy_score("par", "parse") > fuzzy_score("par", "compare"));
  CHECK(fuzzy_score("PAR", "parse") > 0);  // case does not matter
}

TEST_CASE("workspace symbols: members and global functions of every file, ranked",
          "[query][wsymbol]") {
  auto w = make_workspace(
      {{"/ws/net/http.lua",
        "local M = {}\nfunction M.get_request() end\nfunction M.parse() end\nreturn M"},
       {"/ws/util.lua", "function get() end\nfunction target() end\nlocal function getter() end"}});
  auto found = workspace_symbols(w.index, "get");
  std::vector<std::string> names;
  for (const auto& s : found) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"get", "get_request", "target"});
  CHECK(found[1].container == "http");
  CHECK(found[1].location.path == "/ws/net/http.lua");
  CHECK(found[0].container.empty());
  CHECK(workspace_symbols(w.index, "").size() == 4);
  CHECK(workspace_symbols(w.index, "", 2).size() == 2);
}
