// Semantic tokens: each marked name's type and modifiers. Mark tags name the expected token:
// «type.mod.mod|x» with the legend's words; every name gets a token, so every name is marked.
#include <catch2/catch.hpp>

#include "lang/lua/query/semantic_tokens.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

namespace {

std::string describe(const SemanticToken& t) {
  std::string out(token_types()[static_cast<std::size_t>(t.type)]);
  for (std::size_t i = 0; i < token_modifiers().size(); ++i)
    if (t.modifiers & (1u << i)) out += "." + std::string(token_modifiers()[i]);
  return out;
}

}  // namespace

TEST_CASE("semantic tokens classify every name", "[query][tokens]") {
  auto p = parse_fixture(
      "local «function.declaration|f» = function(«parameter.declaration|a») "
      "return «parameter|a» end\n"
      "local «variable.declaration.readonly|k» <const> = "
      "«namespace.defaultLibrary.global|math».«property.defaultLibrary|pi»\n"
      "«function.defaultLibrary.global|print»(«variable.readonly|k», «string|s»)\n"
      "function «function.declaration.global.modification|g»() end\n"
      "local «variable.declaration|t» = { «property.declaration|x» = 1, «method.declaration|run» = "
      "function() end }\n"
      "«variable|t».«property|x» = «function|f»(1)\n"
      "«variable|t»:«method|run»()\n"
      "function «variable|t».«method.declaration|go»() end\n"
      "function «variable|t»:«method.declaration|stop»() return «parameter|self» end\n"
      "«namespace.defaultLibrary.global|string».«function.defaultLibrary|format»('x')",
      LuaVersion::Lua54);
  auto tokens = semantic_tokens(p.tree(), p.binding);
  std::vector<std::string> got, want;
  for (const auto& t : tokens) got.push_back(p.text(t.range) + "=" + describe(t));
  for (const auto& m : p.fx.marks) {
    std::string tag = m.tag == "string" ? "variable.global" : m.tag;
    want.push_back(m.text + "=" + tag);
  }
  CHECK(got == want);
  // A range query keeps the tokens that start in it.
  Range second_line{p.at("variable.declaration.readonly"), p.at("function.defaultLibrary.global")};
  auto some = semantic_tokens(p.tree(), p.binding, second_line);
  CHECK(some.size() == 3);
}
