// Definition and references across files through the workspace index. Marks: «r|x» a read,
// «w|x» a write, «d|x» a declaration, in any file; the cursor mark's tag starts with `at-`.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "lang/lua/query/references.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::make_workspace;
using moonring::lua::testing::Workspace;

namespace {

using Key = std::tuple<std::string, std::uint32_t, std::uint32_t>;

std::set<Key> marked(const Workspace& w, bool with_declarations) {
  std::set<Key> out;
  for (const auto& [path, p] : w.files)
    for (const auto& m : p.fx.marks) {
      std::string_view tag = m.tag;
      if (tag.starts_with("at-")) tag.remove_prefix(3);
      if (tag == "r" || tag == "w" || (tag == "d" && with_declarations))
        out.insert({path, m.range.start, m.range.end});
    }
  return out;
}

std::vector<Location> refs_at_cursor(const Workspace& w, bool with_declarations) {
  auto [path, offset] = w.cursor();
  const auto& p = w.at(path);
  auto s = symbol_at(p.tree(), p.binding, offset);
  REQUIRE(s);
  return references(w.index, path, p.tree(), p.binding, *s, with_declarations);
}

void check_references(const Workspace& w) {
  for (bool decl : {true, false}) {
    std::set<Key> got;
    for (const Location& l : refs_at_cursor(w, decl))
      got.insert({l.path, l.range.start, l.range.end});
    CHECK(got == marked(w, decl));
  }
}

// Marks written «%tag|x»: the `which`th becomes the cursor (at-tag), the others plain.
std::string with_cursor(std::string text, int which) {
  int n = 0;
  for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at))
    text.replace(at, 1, n++ == which ? "at-" : "");
  return text;
}

}  // namespace

TEST_CASE("require resolves like package.path, then by path suffix", "[query][index]") {
  auto w = make_workspace({{"/ws/a/b.lua", "return {}"},
                           {"/ws/a/c/init.lua", "return {}"},
                           {"/ws/lib/deep/mod.lua", "return {}"},
                           {"/ws/main.lua", "return 1"}},
                          {"/ws"});
  REQUIRE(w.index.resolve("a.b"));
  CHECK(*w.index.resolve("a.b") == "/ws/a/b.lua");
  CHECK(*w.index.resolve("a.c") == "/ws/a/c/init.lua");
  CHECK(*w.index.resolve("mod") == "/ws/lib/deep/mod.lua");  // not on the path: by suffix
  CHECK(*w.index.resolve("deep.mod") == "/ws/lib/deep/mod.lua");
  CHECK(w.index.resolve("nothere") == nullptr);
  w.index.set_search({"/ws"}, {"lib/?.lua"});
  CHECK(*w.index.resolve("deep.mod") == "/ws/lib/deep/mod.lua");
  w.index.remove("/ws/lib/deep/mod.lua");
  CHECK(w.index.resolve("deep.mod") == nullptr);
}

TEST_CASE("a module member: definition in its file, uses in the files that require it",
          "[query][references]") {
  auto w = make_workspace({{"/ws/util/text.lua",
                            "local M = {}\n"
                            "function M.«d|trim»(s) return s end\n"
                            "function M.other() return M.«r|trim»(' x ') end\n"
                            "return M"},
                           {"/ws/app.lua",
                            "local text = require \"util.text\"\n"
                            "local trim = 1\n"  // a local of the same spelling: not the member
                            "print(text.«at-r|trim»(' a '), trim)"},
                           {"/ws/other.lua",
                            "local t = require(\"util.text\")\n"
                            "t.«w|trim» = t.«r|trim»\n"
                            "local s = require \"string\"\n"
                            "return s.trim"}},
                          {"/ws"});
  check_references(w);
  auto [path, offset] = w.cursor();
  const auto& p = w.at(path);
  auto s = symbol_at(p.tree(), p.binding, offset);
  REQUIRE(s);
  auto defs = definitions(w.index, path, p.tree(), p.binding, *s);
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].path == "/ws/util/text.lua");
  CHECK(defs[0].range.start == w.at("/ws/util/text.lua").ranges("d")[0].start);
}

TEST_CASE("an NSE-style module: its globals are members (return _ENV)", "[query][references]") {
  auto w = make_workspace({{"/ws/nselib/proto.lua",
                            "local stdnse = require \"stdnse\"\n"
                            "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
                            "function «at-d|connect»(host) return host end\n"
                            "function other() return «r|connect»(1) end\n"
                            "return _ENV"},
                           {"/ws/scripts/probe.lua",
                            "local proto = require \"proto\"\n"
                            "action = function(host) return proto.«r|connect»(host) end"}},
                          {"/ws", "/ws/nselib"});
  check_references(w);
  // The same from the script's side: the module's own reads are found through the index.
  auto from_script =
      make_workspace({{"/ws/nselib/proto.lua",
                       "local stdnse = require \"stdnse\"\n"
                       "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
                       "function «d|connect»(host) return host end\n"
                       "function other() return «r|connect»(1) end\n"
                       "return _ENV"},
                      {"/ws/scripts/probe.lua",
                       "local proto = require \"proto\"\n"
                       "action = function(host) return proto.«at-r|connect»(host) end"}},
                     {"/ws", "/ws/nselib"});
  check_references(from_script);
}

TEST_CASE("an NSE-style module's member is one set from any occurrence, without true globals",
          "[query][references]") {
  // connect is proto's member: from its definition, its own reads and a proto.connect use the
  // references are the same set; other.lua's global connect is another name.
  const std::string proto =
      "local stdnse = require \"stdnse\"\n"
      "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
      "function «%d|connect»(host) return host end\n"
      "function other() return «%r|connect»(1) end\n"
      "return _ENV";
  const std::string probe =
      "local proto = require \"proto\"\n"
      "action = function(host) return proto.«%r|connect»(host) end";
  const std::string other = "connect = 5\nprint(connect)";
  for (int at = 0; at < 3; ++at) {
    auto w = make_workspace({{"/ws/nselib/proto.lua", with_cursor(proto, at)},
                             {"/ws/scripts/probe.lua", with_cursor(probe, at - 2)},
                             {"/ws/scripts/other.lua", other}},
                            {"/ws", "/ws/nselib"});
    check_references(w);
  }
}

TEST_CASE("a module whose _ENV is a local table: its free names are members (NSE's bits.lua)",
          "[query][references]") {
  const std::string bits =
      "local _ENV = {}\n"
      "function «%d|reverse»(n) return n end\n"
      "local x = «%r|reverse»(1)\n"
      "return _ENV";
  const std::string user =
      "local bits = require \"bits\"\n"
      "print(bits.«%r|reverse»(2))";
  for (int at = 0; at < 3; ++at) {
    auto w = make_workspace({{"/ws/nselib/bits.lua", with_cursor(bits, at)},
                             {"/ws/scripts/user.lua", with_cursor(user, at - 2)}},
                            {"/ws", "/ws/nselib"});
    check_references(w);
    auto [path, offset] = w.cursor();
    const auto& p = w.at(path);
    auto s = symbol_at(p.tree(), p.binding, offset);
    REQUIRE(s);
    auto defs = definitions(w.index, path, p.tree(), p.binding, *s);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].path == "/ws/nselib/bits.lua");
    CHECK(defs[0].range.start ==
          w.at("/ws/nselib/bits.lua").ranges(at == 0 ? "at-d" : "d")[0].start);
  }
}

TEST_CASE("_ENV.name = value in an NSE-style module sets a member (stdnse.verbose)",
          "[query][references]") {
  const std::string mod =
      "local stdnse = require \"stdnse\"\n"
      "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
      "local function verbose(n) return n end\n"
      "_ENV.«%w|verbose» = verbose\n"
      "return _ENV";
  const std::string user =
      "local proto = require \"proto\"\n"
      "print(proto.«%r|verbose»(2))";
  for (int at = 0; at < 2; ++at) {
    auto w = make_workspace({{"/ws/nselib/proto.lua", with_cursor(mod, at)},
                             {"/ws/scripts/user.lua", with_cursor(user, at - 1)}},
                            {"/ws", "/ws/nselib"});
    check_references(w);
    auto [path, offset] = w.cursor();
    const auto& p = w.at(path);
    auto s = symbol_at(p.tree(), p.binding, offset);
    REQUIRE(s);
    auto defs = definitions(w.index, path, p.tree(), p.binding, *s);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].path == "/ws/nselib/proto.lua");
  }
}

TEST_CASE("in an NSE-style module, name and _ENV.name are one member (lpeg-utility.localize)",
          "[query][references]") {
  const std::string mod =
      "local stdnse = require \"stdnse\"\n"
      "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
      "function «%d|localize»(g) return g end\n"
      "function other() return _ENV.«%r|localize»(1), «%r|localize»(2) end\n"
      "_ENV.«%w|getid» = function() end\n"
      "return _ENV";
  for (int at = 0; at < 3; ++at) {
    auto w =
        make_workspace({{"/ws/nselib/proto.lua", with_cursor(mod, at)}}, {"/ws", "/ws/nselib"});
    // Only localize's marks: getid's is another member.
    auto [path, offset] = w.cursor();
    const auto& p = w.at(path);
    auto s = symbol_at(p.tree(), p.binding, offset);
    REQUIRE(s);
    std::set<std::uint32_t> got;
    for (const Location& l : references(w.index, path, p.tree(), p.binding, *s, true))
      got.insert(l.range.start);
    std::set<std::uint32_t> want;
    for (const auto& m : p.fx.marks)
      if (p.text(m.range) == "localize") want.insert(m.range.start);
    CHECK(got == want);
    auto defs = definitions(w.index, path, p.tree(), p.binding, *s);
    REQUIRE(defs.size() == 1);
    CHECK(defs[0].range.start == *want.begin());
  }
  // getid, set only as _ENV.getid, read as a bare name.
  auto w = make_workspace({{"/ws/nselib/proto.lua",
                            "local stdnse = require \"stdnse\"\n"
                            "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
                            "_ENV.«w|getid» = function() end\n"
                            "local x = «at-r|getid»()\n"
                            "return _ENV"}},
                          {"/ws", "/ws/nselib"});
  check_references(w);
}

TEST_CASE("a true global's references and definitions leave out modules' members",
          "[query][references]") {
  auto w = make_workspace({{"/ws/nselib/proto.lua",
                            "local stdnse = require \"stdnse\"\n"
                            "_ENV = stdnse.module(\"proto\", stdnse.seeall)\n"
                            "function connect(host) return host end\n"
                            "return _ENV"},
                           {"/ws/scripts/other.lua", "«w|connect» = 5\nprint(«r|connect»)"},
                           {"/ws/scripts/reader.lua", "print(«at-r|connect»)"}},
                          {"/ws", "/ws/nselib"});
  check_references(w);
  const auto& reader = w.at("/ws/scripts/reader.lua");
  auto s = symbol_at(reader.tree(), reader.binding, w.cursor().second);
  REQUIRE(s);
  auto defs = definitions(w.index, "/ws/scripts/reader.lua", reader.tree(), reader.binding, *s);
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].path == "/ws/scripts/other.lua");
}

TEST_CASE("a global across files; a local of the same name is never one of them",
          "[query][references]") {
  auto w2 = make_workspace(
      {{"/ws/a.lua", "«w|counter» = 0\nfunction bump() «w|counter» = «r|counter» + 1 end"},
       {"/ws/b.lua", "do local counter = 5; print(counter) end\nprint(«at-r|counter»)"}});
  check_references(w2);
  const auto& b = w2.at("/ws/b.lua");
  auto s = symbol_at(b.tree(), b.binding, w2.cursor().second);
  REQUIRE(s);
  auto defs = definitions(w2.index, "/ws/b.lua", b.tree(), b.binding, *s);
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].path == "/ws/a.lua");
}

TEST_CASE("locals stay in their file", "[query][references]") {
  auto w = make_workspace({{"/ws/a.lua", "local «d|helper» = 1\nreturn «at-r|helper»"},
                           {"/ws/b.lua", "local helper = 2\nreturn helper"}});
  check_references(w);
}

TEST_CASE("the index follows updates and removals", "[query][index]") {
  auto w = make_workspace({{"/ws/a.lua", "alpha = 1\nbeta = 2"}, {"/ws/b.lua", "alpha = 3"}});
  auto set_globals = [&] {
    std::map<std::string, std::uint32_t> out;
    w.index.for_each_set_global(
        [&](std::string_view n, std::uint32_t files) { out.emplace(std::string(n), files); });
    return out;
  };
  CHECK(set_globals() == std::map<std::string, std::uint32_t>{{"alpha", 2}, {"beta", 1}});
  CHECK(w.index.global_accesses("alpha").size() == 2);
  // b.lua edited: it now sets gamma instead.
  auto edited = moonring::lua::testing::parse_fixture("gamma = alpha");
  w.index.update("/ws/b.lua", summarize(edited.tree(), edited.binding));
  CHECK(set_globals() ==
        std::map<std::string, std::uint32_t>{{"alpha", 1}, {"beta", 1}, {"gamma", 1}});
  CHECK(w.index.global_accesses("alpha").size() == 2);  // a read in b.lua now
  w.index.remove("/ws/a.lua");
  CHECK(set_globals() == std::map<std::string, std::uint32_t>{{"gamma", 1}});
  CHECK(w.index.size() == 1);
  CHECK(w.index.file("/ws/a.lua") == nullptr);
}
