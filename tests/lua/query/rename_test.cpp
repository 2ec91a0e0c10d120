// Rename: edits across files, names of the same spelling left alone, refusals with a reason.
// Marks: «e|x» a name the rename must edit (in any file); the cursor's tag starts with `at-`.
#include <catch2/catch.hpp>

#include <set>
#include <tuple>

#include "lang/lua/query/rename.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;
using moonring::lua::testing::parse_fixture;
using moonring::lua::testing::Workspace;

namespace {

using Key = std::tuple<std::string, std::uint32_t, std::uint32_t>;

RenameResult rename_at_cursor(const Workspace& w, std::string_view new_name) {
  auto [path, offset] = w.cursor();
  const auto& p = w.at(path);
  return rename(w.index, path, p.tree(), p.binding, offset, new_name);
}

void check_edits(const Workspace& w, std::string_view new_name) {
  RenameResult r = rename_at_cursor(w, new_name);
  INFO(r.error);
  REQUIRE(r.error.empty());
  std::set<Key> want, got;
  for (const auto& [path, p] : w.files)
    for (const auto& m : p.fx.marks)
      if (m.tag == "e" || m.tag == "at-e") want.insert({path, m.range.start, m.range.end});
  for (const TextEdit& e : r.edits) {
    CHECK(e.new_text == new_name);
    got.insert({e.path, e.range.start, e.range.end});
  }
  CHECK(got == want);
}

std::string refusal_at(std::string_view marked, std::string_view new_name = "renamed") {
  auto w = make_workspace({{"/ws/a.lua", std::string(marked)}});
  return rename_at_cursor(w, new_name).error;
}

}  // namespace

TEST_CASE("rename a local: its uses, never a shadowing local of the same spelling",
          "[query][rename]") {
  check_edits(make_workspace({{"/ws/a.lua",
                               "local «e|n» = 1\n"
                               "local function f(n) return n end\n"
                               "do local n = 2; print(n) end\n"
                               "print(«at-e|n», f(«e|n»))"}}),
              "count");
  check_edits(
      make_workspace({{"/ws/a.lua", "local function f(«at-e|a», b) return «e|a» + b end\nreturn f"},
                      {"/ws/b.lua", "local a = 1\nreturn a"}}),
      "first");
}

TEST_CASE("rename a module member across files", "[query][rename]") {
  check_edits(make_workspace(
                  {{"/ws/m.lua",
                    "local M = {}\nfunction M.«at-e|get»() end\n"
                    "M.other = M.«e|get»\nreturn M"},
                   {"/ws/a.lua", "local m = require \"m\"\nlocal get = 1\nreturn m.«e|get»(get)"}},
                  {"/ws"}),
              "fetch");
}

TEST_CASE("rename a global across files", "[query][rename]") {
  check_edits(
      make_workspace({{"/ws/a.lua", "function «at-e|setup»() end"},
                      {"/ws/b.lua", "«e|setup»()\nlocal function g(setup) return setup end"}}),
      "init");
}

TEST_CASE("rename a field of a local table", "[query][rename]") {
  check_edits(make_workspace({{"/ws/a.lua",
                               "local point = { «e|x» = 1, y = 2 }\n"
                               "point.«e|x» = point.«at-e|x» + point.y\n"
                               "local other = { x = 3 }\nreturn other.x"}}),
              "left");
}

TEST_CASE("rename refuses keywords, strings, the standard library and bad names",
          "[query][rename]") {
  CHECK(refusal_at("«at-k|local» x = 1") == "keywords cannot be renamed");
  CHECK(refusal_at("local x = \"«at-s|abc»\"") == "strings cannot be renamed");
  CHECK(refusal_at("«at-p|print»(1)") == "'print' is part of the Lua 5.4 standard library");
  CHECK(refusal_at("return string.«at-f|format»('%d', 1)") ==
        "'string.format' is part of the Lua 5.4 standard library");
  CHECK(refusal_at("local «at-x|x» = 1", "end") == "'end' is a keyword");
  CHECK(refusal_at("local «at-x|x» = 1", "1x") == "'1x' is not a Lua name");
  CHECK(refusal_at("local t = {}\nfunction t:m() return «at-s|self» end")
            .starts_with("'self' is the implicit parameter"));
  auto p = parse_fixture("local «at|x» = 1");
  auto target = prepare_rename(p.tree(), p.binding, p.at("at"));
  REQUIRE(target.range);
  CHECK(target.placeholder == "x");
}

TEST_CASE("rename refuses what would change a name's meaning", "[query][rename]") {
  // An inner local of the new name would capture a use.
  CHECK(refusal_at("local «at-x|x» = 1\ndo local y = 2; print(x, y) end\nreturn y", "y")
            .starts_with("the local 'y' declared at line 2 would capture"));
  // A global of the new name used in the scope would now mean the local.
  CHECK(refusal_at("local «at-x|x» = 1\nprint(x, y)", "y")
            .starts_with("the use of 'y' at line 2 would refer to the renamed local"));
  // Outside the scope, or shadowed by the renamed local before it, is fine.
  auto ok = make_workspace({{"/ws/a.lua", "print(y)\nlocal «at-e|x» = 1\nprint(«e|x»)"}});
  check_edits(ok, "y");
  // A field the table already has.
  CHECK(refusal_at("local t = { a = 1, b = 2 }\nreturn t.«at-a|a»", "b") ==
        "the table already has a field 'b'");
}
