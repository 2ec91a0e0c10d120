// all_symbols, the indexer's one walk, against symbol_at at the start of every name: the same
// symbol, field by field, on tricky fixtures and on every file of the NSE corpus; and the walk's
// owner keys, equal where the owners are.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "lang/lua/query/function_info.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "tests/skip.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;

namespace {

bool same(const Symbol& x, const Symbol& y) {
  return x.kind == y.kind && x.range.start == y.range.start && x.range.end == y.range.end &&
         x.name == y.name && x.local == y.local && x.upvalue == y.upvalue && x.write == y.write &&
         x.declaration == y.declaration && x.owner == y.owner && x.exported == y.exported;
}

std::size_t bound_functions = 0;  // names whose bound function the walk found

// The number of names compared; every difference is a failed CHECK naming the offset. The walk's
// bound functions are function_bound_at's at every writing name.
std::size_t compare(std::string_view source, LuaVersion version) {
  ParseResult parsed = parse(source, version);
  const Tree& t = parsed.tree;
  FileBinding b = bind(t);
  std::vector<std::uint32_t> starts;
  for (NodeId id = 0; id < t.node_count(); ++id)
    if (t.kind(id) == NodeKind::Name) starts.push_back(t.node(id).start);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<Symbol> want;
  for (std::uint32_t at : starts)
    if (auto s = symbol_at(t, b, at); s && s->range.start == at) want.push_back(std::move(*s));
  std::vector<Symbol> got = all_symbols(t, b);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("name " << want[i].name << " at " << want[i].range.start);
    CHECK(same(got[i], want[i]));
  }
  // The walk's owner keys (what the indexer groups by) are equal exactly when the owners are.
  const SymbolWalk walk = symbol_walk(t, b, false);
  REQUIRE(walk.symbols.size() == got.size());
  std::map<std::tuple<LocalId, std::string, std::string, bool, std::string>, std::size_t> by_owner;
  std::map<std::tuple<LocalId, std::string_view, std::string_view, bool, std::uint32_t>,
           std::size_t>
      by_key;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Owner& o = got[i].owner;
    const OwnerKey& k = walk.symbols[i].owner;
    INFO("name " << got[i].name << " at " << got[i].range.start);
    CHECK(walk.symbols[i].name == got[i].name);
    auto [o_at, o_fresh] =
        by_owner.try_emplace({o.local, o.global, o.module, o.this_module, o.path}, i);
    auto [k_at, k_fresh] =
        by_key.try_emplace({k.local, k.global, k.module, k.this_module, k.path}, i);
    CHECK(o_fresh == k_fresh);
    CHECK(walk.symbols[o_at->second].owner == k);
    CHECK(got[k_at->second].owner == o);
  }
  std::vector<NodeId> bound;
  std::vector<Symbol> with_bound = all_symbols(t, b, &bound);
  REQUIRE(with_bound.size() == got.size());
  REQUIRE(bound.size() == got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("name " << got[i].name << " at " << got[i].range.start);
    CHECK(same(with_bound[i], got[i]));
    CHECK(bound[i] == (got[i].write ? function_bound_at(t, got[i].range) : kNoNode));
    bound_functions += bound[i] != kNoNode ? 1 : 0;
  }
  return got.size();
}

}  // namespace

TEST_CASE("all_symbols is symbol_at at every name", "[query][symbol]") {
  const char* sources[] = {
      "local M = {}\nfunction M.f(a, b) return M.g(a) end\nfunction M:g() return self.x end\n"
      "local t = { x = 1, y = { z = M.f } }\nt.y.z = t.x\nreturn M",
      "local stdnse = require 'stdnse'\n_ENV = stdnse.module('p', stdnse.seeall)\n"
      "function connect(h) return connect, print end\nreturn _ENV",
      "module('old', package.seeall)\nx = 1\nfunction f() return x + y end",
      "local function f(n) if n > 0 then goto done end ::done:: return f(n - 1) end\n"
      "for i, v in ipairs({a = f, [f] = f}) do print(i, v) end",
      "local x = 1 local t = {name=x, x, [x] = x}\nreturn {k = t, t}",
      "local a <const> = 1\nlocal s = require('m').sub.x\nreturn a .. s",
      "local function f() end local g, h = 1, function() end\nlocal t = {k = function() end}\n"
      "t.m = function() end function t.a.b() end function t:c() end x, t.y = (function() end), f",
      "local a = {}\nfunction a.b.c:m() return self.d.e, self.d, a.b.c.d.e end\n"
      "function g.h:n() self.k = self.k end g.h.k = 1\nlocal r = require('x') r.p.q = r.p.q",
  };
  std::size_t names = 0;
  bound_functions = 0;
  for (const char* s : sources) names += compare(s, LuaVersion::Lua54);
  CHECK(names > 60);
  CHECK(bound_functions >= 12);
}

TEST_CASE("all_symbols is symbol_at at every name of the NSE corpus", "[query][symbol][nse]") {
  const std::filesystem::path nmap = "/usr/share/nmap";
  if (!std::filesystem::is_directory(nmap / "nselib"))
    return moonring::test::missing_tool("the NSE corpus (Debian: nmap-common)");
  std::size_t files = 0, names = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(nmap)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".lua" && ext != ".nse")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    INFO(e.path().string());
    names += compare(text.str(), LuaVersion::Lua54);
    ++files;
  }
  CHECK(files > 700);
  CHECK(names > 250000);
}
