// Symbols at an offset, their declarations and occurrences (definition, references,
// documentHighlight). Marks: «r|x» a read, «w|x» a write, «d|x» a declaration; the cursor is the
// one mark whose tag starts with `at-` (at-r, at-w, at-d), itself an occurrence of that kind.
#include <catch2/catch.hpp>

#include "lang/lua/query/symbol.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;
using moonring::lua::testing::Parsed;

namespace {

struct Expected {
  Range range;
  bool write;
  bool declaration;
};

// Checks that the symbol under the cursor has exactly the marked occurrences, and returns it.
Symbol check_occurrences(const Parsed& p) {
  std::vector<Expected> want;
  std::uint32_t cursor = 0;
  int cursors = 0;
  for (const auto& m : p.fx.marks) {
    std::string_view tag = m.tag;
    if (tag.starts_with("at-")) {
      cursor = m.range.start;
      ++cursors;
      tag.remove_prefix(3);
    }
    if (tag == "r" || tag == "w" || tag == "d") want.push_back({m.range, tag != "r", tag == "d"});
  }
  REQUIRE(cursors == 1);
  INFO(p.fx.source);
  auto s = symbol_at(p.tree(), p.binding, cursor);
  REQUIRE(s.has_value());
  auto got = occurrences(p.tree(), p.binding, *s);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("occurrence " << i << ": " << p.text(got[i].range));
    CHECK(got[i].range.start == want[i].range.start);
    CHECK(got[i].range.end == want[i].range.end);
    CHECK(got[i].write == want[i].write);
    CHECK(got[i].declaration == want[i].declaration);
  }
  return *s;
}

}  // namespace

TEST_CASE("a local: declaration, reads and writes; a shadowing local of the same name is apart",
          "[query][symbol]") {
  auto p = parse_fixture(
      "local «d|x» = 1\n"
      "«w|x» = «at-r|x» + 1\n"
      "do local x = 2; print(x) end\n"
      "print(«r|x»)");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Local);
  CHECK(s.name == "x");
  CHECK(!s.upvalue);
  auto d = declaration(p.tree(), p.binding, s);
  REQUIRE(d);
  CHECK(d->start == p.ranges("d")[0].start);
}

TEST_CASE("a parameter and an upvalue", "[query][symbol]") {
  auto p = parse_fixture(
      "local function f(«d|n»)\n"
      "  return function() return «at-r|n» * 2 end, «r|n»\n"
      "end\n"
      "return f");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Parameter);
  CHECK(s.upvalue);
  auto q = symbol_at(p.tree(), p.binding, p.ranges("r")[0].start);
  REQUIRE(q);
  CHECK(!q->upvalue);
}

TEST_CASE("the cursor just after a name still finds it", "[query][symbol]") {
  auto p = parse_fixture("local «d|value» = 1\nprint(«at-r|value»)");
  auto s = symbol_at(p.tree(), p.binding, p.ranges("at-r")[0].end);
  REQUIRE(s);
  CHECK(s->name == "value");
  check_occurrences(p);
}

TEST_CASE("a global: every access in the file, sets as writes", "[query][symbol]") {
  auto p = parse_fixture(
      "function «d|helper»() end\n"
      "local function g() local helper = 1; return helper end\n"
      "«at-r|helper»()\n"
      "«w|helper» = nil");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Global);
  CHECK(!s.exported);
  auto d = declaration(p.tree(), p.binding, s);
  REQUIRE(d);
  CHECK(d->start == p.ranges("d")[0].start);
}

TEST_CASE("fields of a local table: constructor keys, assignments, reads, methods",
          "[query][symbol]") {
  auto p = parse_fixture(
      "local t = { «d|size» = 1, other = 2 }\n"
      "t.«w|size» = t.«r|size» + 1\n"
      "function t.«d|size»() end\n"
      "t:«at-r|size»()\n"
      "local u = { size = 3 }\n"
      "print(u.size, t.other)");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Method);
  CHECK(s.owner.path.empty());
}

TEST_CASE("self in a method is the method's table", "[query][symbol]") {
  auto p = parse_fixture(
      "local Account = {}\n"
      "function Account:«d|deposit»(v) self.balance = self.balance + v end\n"
      "function Account:withdraw(v) self:«at-r|deposit»(-v) end\n"
      "return Account");
  Symbol s = check_occurrences(p);
  CHECK(s.owner.this_module);
  CHECK(s.exported);
}

TEST_CASE("nested fields keep their path; fields of globals and of required modules",
          "[query][symbol]") {
  auto p = parse_fixture(
      "local cfg = { net = {} }\n"
      "cfg.net.«w|port» = 80\n"
      "print(cfg.«at-r|port»)\n"  // another path: cfg.port, not cfg.net.port
      "print(cfg.net.port)");
  auto s = symbol_at(p.tree(), p.binding, p.at("at-r"));
  REQUIRE(s);
  CHECK(occurrences(p.tree(), p.binding, *s).size() == 1);
  auto q = symbol_at(p.tree(), p.binding, p.at("w"));
  REQUIRE(q);
  CHECK(q->owner.path == "net");
  CHECK(occurrences(p.tree(), p.binding, *q).size() == 2);

  auto m = parse_fixture(
      "local http = require \"http\"\n"
      "local h2 = require(\"http\")\n"
      "http.«at-r|get»(1)\n"
      "h2.«r|get»(2)\n"
      "string.get(3)");
  Symbol sm = check_occurrences(m);
  CHECK(sm.owner.module == "http");
}

TEST_CASE("a name read through a local _ENV is that table's field, with all its occurrences",
          "[query][symbol]") {
  // NSE's bits.lua: `local _ENV = {}` makes the chunk's free names keys of that table.
  auto p = parse_fixture(
      "local _ENV = {}\n"
      "function «d|reverse»(n) return n end\n"
      "«w|reverse» = «r|reverse»\n"
      "local x = _ENV.«r|reverse»(«at-r|reverse»(1))\n"
      "return _ENV");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Field);
  auto d = declaration(p.tree(), p.binding, s);
  REQUIRE(d);
  CHECK(d->start == p.ranges("d")[0].start);
}

TEST_CASE("module shapes: return M, return _ENV, return {...}", "[query][symbol]") {
  auto a = parse_fixture("local M = {}\nfunction M.«at-d|f»() end\nreturn M");
  // A function statement's field is a write (its declaration is the first write).
  auto s = symbol_at(a.tree(), a.binding, a.at("at-d"));
  REQUIRE(s);
  CHECK(s->exported);
  CHECK(s->write);

  auto e = parse_fixture(
      "local stdnse = require \"stdnse\"\n"
      "_ENV = stdnse.module(\"x\", stdnse.seeall)\n"
      "function «at-d|run»() end\n"
      "return _ENV",
      LuaVersion::Lua54);
  Symbol g = check_occurrences(e);
  CHECK(g.kind == SymbolKind::Global);
  CHECK(g.exported);
  CHECK(module_shape(e.tree(), e.binding).kind == ModuleShape::Environment);

  auto c = parse_fixture("local function f() end\nreturn { «at-d|run» = f }");
  Symbol k = check_occurrences(c);
  CHECK(k.exported);
  CHECK(module_shape(c.tree(), c.binding).kind == ModuleShape::Constructor);
}

TEST_CASE("labels, and no symbol on keywords, strings or numbers", "[query][symbol]") {
  auto p = parse_fixture(
      "for i = 1, 3 do\n"
      "  if i == 2 then goto «r|continue» end\n"
      "  print(i)\n"
      "  ::«at-d|continue»::\n"
      "end\n"
      "local s = \"«str|text»\" «kw|or» «num|42»");
  Symbol s = check_occurrences(p);
  CHECK(s.kind == SymbolKind::Label);
  CHECK(!symbol_at(p.tree(), p.binding, p.at("str")));
  CHECK(!symbol_at(p.tree(), p.binding, p.at("kw")));
  CHECK(!symbol_at(p.tree(), p.binding, p.at("num") + 1));
}

TEST_CASE("a name used as a table constructor's value is that variable, not nothing",
          "[query][symbol]") {
  // Found by `moonring index`'s agreement test (afp.lua: `{name=dst_path}`): the value of a named
  // or positional field had no symbol, so hover/definition there answered nothing.
  auto named =
      parse_fixture("local «d|x» = 1\nlocal t = {name=«at-r|x», «r|x», [«r|x»] = «r|x»}\n");
  Symbol s = check_occurrences(named);
  CHECK(s.kind == SymbolKind::Local);
  auto positional = parse_fixture("local «d|y» = 1\nreturn {«at-r|y»}\n");
  CHECK(check_occurrences(positional).kind == SymbolKind::Local);
}
