// A large tree's binding (its vectors warmed ahead of the binder, see Prefaulter) is the binding
// of its parts, also where it outgrows the room reserved for it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"

using namespace moonring::lua;

TEST_CASE("a large tree with more locals than its reserve binds as its parts do",
          "[semantic][large]") {
  // 16 params in ~20 nodes: more than the local per 3 nodes a large tree reserves, so the
  // locals move mid-bind. Each function also reads a global and writes one.
  std::string source;
  std::vector<std::string> pieces;
  for (int i = 0; i < 6'000; ++i) {
    pieces.push_back("function f" + std::to_string(i) +
                     "(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)\n  x = p + y" +
                     std::to_string(i % 7) + "\nend\n");
    source += pieces.back();
  }
  const ParseResult whole = parse(source, LuaVersion::Lua54);
  REQUIRE(whole.ok());
  REQUIRE(whole.tree.node_count() * sizeof(Node) >= (std::size_t{1} << 20));
  for (const NameRefs refs : {NameRefs::Record, NameRefs::Skip}) {
    const FileBinding b = bind(whole.tree, refs);
    REQUIRE(b.locals.size() == 16 * pieces.size());
    REQUIRE(b.globals.size() == 3 * pieces.size());  // f = ..., y read, x = ...
    if (refs == NameRefs::Record) REQUIRE(b.refs.size() == 4 * pieces.size());
    std::uint32_t offset = 0;
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      const ParseResult one = parse(pieces[i], LuaVersion::Lua54);
      const FileBinding part = bind(one.tree, refs);
      for (std::size_t k = 0; k < part.locals.size(); ++k) {
        const LocalInfo& w = b.locals[16 * i + k];
        const LocalInfo& p = part.locals[k];
        if (w.decl.start != offset + p.decl.start || w.reads != p.reads ||
            whole.tree.names().text(w.name) != one.tree.names().text(p.name))
          ++mismatches;
      }
      for (std::size_t k = 0; k < part.globals.size(); ++k) {
        const GlobalAccess& w = b.globals[3 * i + k];
        const GlobalAccess& p = part.globals[k];
        if (w.kind != p.kind || w.range.start != offset + p.range.start ||
            global_name(whole.tree, w) != global_name(one.tree, p))
          ++mismatches;
      }
      offset += static_cast<std::uint32_t>(pieces[i].size());
    }
    CHECK(mismatches == 0);
  }
}
