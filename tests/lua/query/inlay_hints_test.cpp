// Inlay hints: parameter names before arguments. «h.name|arg» marks an argument that gets the
// hint "name:"; unmarked arguments get none.
#include <catch2/catch.hpp>

#include "lang/lua/query/inlay_hints.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;

TEST_CASE("inlay hints name the parameters at call sites", "[query][inlay]") {
  auto w =
      make_workspace({{"/ws/lib.lua", "local M = {}\nfunction M.connect(host, port) end\nreturn M"},
                      {"/ws/main.lua",
                       "local lib = require \"lib\"\n"
                       "local function area(width, height) return width * height end\n"
                       "local height = 2\n"
                       "area(«h.width|3», height)\n"  // a name spelt as the parameter: no hint
                       "lib.connect(«h.host|'localhost'», «h.port|80»)\n"
                       "print(1, 2)\n"  // varargs: none
                       "string.rep(«h.s|'x'», «h.n|3»)\n"
                       "local obj = {}\n"
                       "function obj:move(dx, dy) end\n"
                       "obj:move(«h.dx|1», «h.dy|2»)\n"
                       "unknown(1)"}},
                     {"/ws"});
  const auto& p = w.at("/ws/main.lua");
  auto hints = inlay_hints(w.index, "/ws/main.lua", p.tree(), p.binding,
                           {0, static_cast<std::uint32_t>(p.fx.source.size())});
  std::vector<std::pair<std::uint32_t, std::string>> got, want;
  for (const auto& h : hints) got.push_back({h.offset, h.label});
  for (const auto& m : p.fx.marks) want.push_back({m.range.start, m.tag.substr(2) + ":"});
  CHECK(got == want);
  // Only the calls inside the range asked for.
  Range one = w.at("/ws/main.lua").ranges("h.host")[0];
  auto some = inlay_hints(w.index, "/ws/main.lua", p.tree(), p.binding, {one.start, one.end});
  REQUIRE(some.size() == 1);
  CHECK(some[0].label == "host:");
}
