// Every query on code being typed: each prefix of a file that uses most of the grammar (a tree
// with Error nodes and missing parts), asked at every offset. Nothing may crash or read out of
// bounds (the sanitizers watch); ranges stay inside the source.
#include <catch2/catch.hpp>

#include "lang/lua/query/code_actions.hpp"
#include "lang/lua/query/completion.hpp"
#include "lang/lua/query/document_links.hpp"
#include "lang/lua/query/document_symbols.hpp"
#include "lang/lua/query/folding.hpp"
#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/inlay_hints.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/rename.hpp"
#include "lang/lua/query/selection.hpp"
#include "lang/lua/query/semantic_tokens.hpp"
#include "lang/lua/query/signature_help.hpp"
#include "lang/lua/query/summary.hpp"
#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;

namespace {

constexpr std::string_view kSource = R"lua(--- A module.
local M = {}
local util = require "util"
local t <const> = { a = 1, b = { c = 2 }, [3] = 4, f = function(x) return x end }
function M.run(self_, n, ...)
  for i = 1, n do
    if i % 2 == 0 then goto continue elseif i > 5 then break else print(i) end
    ::continue::
  end
  for k, v in pairs(t) do util.log(k, v) end
  local s = ("x"):rep(3) .. [[long
string]]
  repeat local done = true until done
  while false do end
  do local _ENV = { print = print }; print(s) end
  return t.b.c, #s, not n, -n, M:stop()
end
function M:stop() return self.value or util.default end
global_value = M.run(nil, 3)
return M
)lua";

void ask_everything(const WorkspaceIndex& index, const Tree& t, const FileBinding& b) {
  const auto size = static_cast<std::uint32_t>(t.source().size());
  auto inside = [size](Range r) { return r.start <= r.end && r.end <= size; };
  for (const auto& s : document_symbols(t, b)) CHECK(inside(s.range));
  for (const auto& f : folding_ranges(t)) CHECK(f.start <= f.end);
  for (const auto& tok : semantic_tokens(t, b)) CHECK(inside(tok.range));
  for (const auto& h : inlay_hints(index, "/ws/a.lua", t, b, {0, size})) CHECK(h.offset <= size);
  for (const auto& l : document_links(index, t, b)) CHECK(inside(l.range));
  for (std::uint32_t o = 0; o <= size; ++o) {
    if (auto s = symbol_at(t, b, o)) {
      CHECK(inside(s->range));
      for (const auto& occ : occurrences(t, b, *s)) CHECK(inside(occ.range));
      for (const auto& l : references(index, "/ws/a.lua", t, b, *s, true))
        if (l.path == "/ws/a.lua") CHECK(inside(l.range));
      (void)definitions(index, "/ws/a.lua", t, b, *s);
    }
    (void)hover(index, "/ws/a.lua", t, b, o);
    Completion c = complete(index, "/ws/a.lua", t, b, o);
    CHECK(inside(c.replace));
    (void)signature_help(index, "/ws/a.lua", t, b, o);
    (void)rename(index, "/ws/a.lua", t, b, o, "renamed");
    for (Range r : selection_ranges(t, o)) CHECK(inside(r));
    (void)prefix_with_underscore(t, b, o);
    (void)remove_unused_local(t, b, o);
  }
}

}  // namespace

TEST_CASE("every query on every prefix of a file being typed", "[query][robustness]") {
  WorkspaceIndex index;
  {
    ParseResult util = parse("local U = {}\nfunction U.log(k, v) end\nreturn U", LuaVersion::Lua54);
    FileBinding ub = bind(util.tree);
    index.update("/ws/util.lua", summarize(util.tree, ub));
  }
  // Every 31st prefix keeps the test fast under the sanitizers; a prime step lands the cuts on
  // every kind of token.
  for (std::size_t cut = 0; cut <= kSource.size(); cut += 31) {
    for (LuaVersion v : {LuaVersion::Lua54, LuaVersion::Lua51}) {
      ParseResult p = parse(kSource.substr(0, cut), v);
      FileBinding b = bind(p.tree);
      INFO("prefix of " << cut << " bytes");
      index.update("/ws/a.lua", summarize(p.tree, b));
      ask_everything(index, p.tree, b);
    }
  }
  ParseResult whole = parse(kSource, LuaVersion::Lua54);
  REQUIRE(whole.ok());
}
