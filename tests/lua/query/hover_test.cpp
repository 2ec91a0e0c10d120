// Hover: kind, declaration, signature and documentation, in the file and across files, and the
// standard library of the tree's version.
#include <catch2/catch.hpp>

#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/stdlib_docs.hpp"
#include "lang/lua/stdlib/stdlib.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;
using moonring::lua::testing::Workspace;

namespace {

Hover hover_at_cursor(const Workspace& w) {
  auto [path, offset] = w.cursor();
  const auto& p = w.at(path);
  auto h = hover(w.index, path, p.tree(), p.binding, offset);
  REQUIRE(h);
  return *h;
}

}  // namespace

TEST_CASE("hover on a local function: signature, doc comment, declaration", "[query][hover]") {
  auto w = make_workspace({{"/ws/a.lua",
                            "-- not part of the doc (a gap follows)\n\n"
                            "--- Adds two numbers.\n"
                            "---@param a number\n"
                            "local function «d|add»(a, b) return a + b end\n"
                            "return «at-r|add»(1, 2)"}});
  Hover h = hover_at_cursor(w);
  CHECK(h.what == "local");
  CHECK(h.signature == "local function add(a, b)");
  CHECK(h.doc == "Adds two numbers.\n@param a number");
  REQUIRE(h.declaration);
  CHECK(h.declaration->range.start == w.at("/ws/a.lua").at("d"));
  CHECK(hover_markdown(h) ==
        "```lua\nlocal function add(a, b)\n```\n\n*local*\n\nAdds two numbers.\n@param a number");
}

TEST_CASE("hover on parameters, upvalues, globals and fields", "[query][hover]") {
  auto w =
      make_workspace({{"/ws/a.lua",
                       "local count = 0\n"
                       "local function f(«at-r|x») return function() return x + count end end\n"
                       "return f"}});
  CHECK(hover_at_cursor(w).what == "parameter");
  auto up = make_workspace({{"/ws/a.lua",
                             "local count = 0\n"
                             "local function f() return function() return «at-r|count» end end\n"
                             "return f"}});
  Hover h = hover_at_cursor(up);
  CHECK(h.what == "upvalue");
  CHECK(h.signature == "local count");
  auto fields = make_workspace({{"/ws/a.lua",
                                 "local Point = {}\n"
                                 "--- Moves the point.\n"
                                 "function Point:move(dx, dy) end\n"
                                 "Point:«at-r|move»(1, 2)"}});
  h = hover_at_cursor(fields);
  CHECK(h.what == "method");
  CHECK(h.signature == "function Point:move(dx, dy)");
  CHECK(h.doc == "Moves the point.");
}

TEST_CASE("hover on a module member declared in another file", "[query][hover]") {
  auto w = make_workspace(
      {{"/ws/util.lua",
        "local M = {}\n"
        "--- Splits s at each sep.\n"
        "function M.split(s, sep) end\n"
        "return M"},
       {"/ws/main.lua", "local util = require \"util\"\nutil.«at-r|split»('a,b', ',')"}},
      {"/ws"});
  Hover h = hover_at_cursor(w);
  CHECK(h.what == "module member");
  CHECK(h.signature == "function util.split(s, sep)");
  CHECK(h.doc == "Splits s at each sep.");
  REQUIRE(h.declaration);
  CHECK(h.declaration->path == "/ws/util.lua");
}

TEST_CASE("hover on the standard library follows the tree's version", "[query][hover]") {
  auto w = make_workspace({{"/ws/a.lua", "return string.«at-r|format»('%d', 1)"}});
  Hover h = hover_at_cursor(w);
  CHECK(h.signature == "string.format(formatstring, ···)");
  CHECK(h.what == "standard library function (Lua 5.4)");
  CHECK(!h.doc.empty());
  auto p = moonring::lua::testing::parse_fixture("return «at|unpack»({1})", LuaVersion::Lua51);
  WorkspaceIndex none;
  auto u = hover(none, "/a.lua", p.tree(), p.binding, p.at("at"));
  REQUIRE(u);
  CHECK(u->signature == "unpack(list [, i [, j]])");
  CHECK(u->what == "standard library function (Lua 5.1)");
}

TEST_CASE("every standard library function and library has a description", "[query][hover]") {
  for (LuaVersion v : stdlib::kAllVersions) {
    for (const stdlib::Member& g : stdlib::globals(v)) {
      INFO(lua_version_name(v) << " " << g.name);
      if (g.kind == stdlib::Kind::Library) {
        CHECK(!stdlib_description(g.name, "").empty());
        for (const stdlib::Member& f : stdlib::fields(v, g.name)) {
          INFO(f.name);
          if (f.kind == stdlib::Kind::Function) CHECK(!stdlib_description(g.name, f.name).empty());
        }
      } else {
        CHECK(!stdlib_description("", g.name).empty());
      }
    }
  }
}
