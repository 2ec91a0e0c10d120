// libFuzzer target for the Lua front end: any bytes, every version, parsed, then bound and checked.
// Must not crash, must stay within its recursion bounds, and every node, error and diagnostic
// must lie inside the source.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lang/lua/check/check.hpp"
#include "lang/lua/syntax/parser.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_tree(const moonring::lua::ParseResult& r, std::size_t size) {
  using namespace moonring::lua;
  const Tree& t = r.tree;
  check(t.root() != kNoNode);
  for (NodeId n = 0; n < t.node_count(); ++n) {
    Range g = t.range(n);
    check(g.start <= g.end && g.end <= size);
    if (t.kind(n) == NodeKind::Name) check(t.name_text(n) == t.text(n));
  }
  for (const Comment& c : t.comments()) {
    check(c.range.start <= c.text.start && c.text.end <= c.range.end && c.range.end <= size);
  }
  for (const SyntaxError& e : r.errors) {
    check(e.offset <= size && e.end_offset <= size && e.offset <= e.end_offset);
    check(e.line >= 1 && e.line <= t.lines().line_count());
    check(!e.message.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace moonring::lua;
  std::string_view src(reinterpret_cast<const char*>(data), size);
  for (LuaVersion v : {LuaVersion::Lua51, LuaVersion::Lua52, LuaVersion::Lua53, LuaVersion::Lua54,
                       LuaVersion::LuaJIT}) {
    FileAnalysis file = analyze(src, v);
    check_tree(file.parsed, size);
    CheckOptions options;
    for (const Diagnostic& d : check(file, options)) {
      check(d.range.start <= d.range.end && d.range.end <= size);
      check(d.start.line >= 1 && d.end.line >= d.start.line && !d.message.empty());
    }
  }
  return 0;
}
