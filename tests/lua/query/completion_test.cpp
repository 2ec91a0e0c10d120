// Completion and signature help on code being typed (syntax errors allowed); the cursor is the
// empty mark «at|».
#include <catch2/catch.hpp>

#include <algorithm>

#include "lang/lua/query/completion.hpp"
#include "lang/lua/query/signature_help.hpp"
#include "tests/lua/query/workspace_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

namespace {

struct Files {
  std::vector<std::pair<std::string, std::string>> others;  // unmarked files of the workspace
};

Completion complete_at(std::string_view marked, LuaVersion v = LuaVersion::Lua54,
                       Files files = {}) {
  WorkspaceIndex index;
  index.set_search({"/ws"});
  for (auto& [path, text] : files.others) {
    auto p = parse_fixture(text, v);
    index.update(path, summarize(p.tree(), p.binding));
  }
  auto p = parse_fixture(marked, v, /*allow_errors=*/true);
  return complete(index, "/ws/main.lua", p.tree(), p.binding, p.at("at"));
}

std::vector<std::string> labels(const Completion& c) {
  std::vector<std::string> out;
  for (const auto& i : c.items) out.push_back(i.label);
  return out;
}

bool has(const Completion& c, std::string_view label) {
  auto l = labels(c);
  return std::find(l.begin(), l.end(), label) != l.end();
}

const CompletionItem& item(const Completion& c, std::string_view label) {
  auto it = std::find_if(c.items.begin(), c.items.end(),
                         [&](const CompletionItem& i) { return i.label == label; });
  REQUIRE(it != c.items.end());
  return *it;
}

std::optional<SignatureHelp> help_at(std::string_view marked) {
  WorkspaceIndex index;
  auto p = parse_fixture(marked, LuaVersion::Lua54, true);
  return signature_help(index, "/ws/main.lua", p.tree(), p.binding, p.at("at"));
}

}  // namespace

TEST_CASE("names in scope, never out of scope; locals first", "[query][completion]") {
  auto c = complete_at(
      "local alpha = 1\n"
      "do local beta = 2 end\n"
      "local function gamma(delta)\n"
      "  «at|»\n"
      "end\n"
      "local epsilon = 3");
  CHECK(has(c, "alpha"));
  CHECK(has(c, "gamma"));
  CHECK(has(c, "delta"));
  CHECK(!has(c, "beta"));
  CHECK(!has(c, "epsilon"));
  CHECK(has(c, "print"));
  CHECK(has(c, "while"));
  CHECK(item(c, "gamma").detail == "local function gamma(delta)");
  CHECK(item(c, "delta").kind == CompletionKind::Parameter);
  CHECK(c.items.front().rank == 0);
  // Snippets stand beside the keyword.
  auto snippets = std::count_if(c.items.begin(), c.items.end(), [](const CompletionItem& i) {
    return i.kind == CompletionKind::Snippet && i.label == "function";
  });
  CHECK(snippets == 1);
}

TEST_CASE("order: locals, upvalues, globals, library, keywords; prefixes first",
          "[query][completion]") {
  auto c = complete_at(
      "local wh_alpha = 1\n"
      "local function run(wh_param)\n"
      "  local wh_beta = wh_alpha\n"
      "  print(wh«at|»)\n"
      "end",
      LuaVersion::Lua54, Files{{{"/ws/other.lua", "wh_global = 1"}}});
  // The keyword, then its snippet.
  CHECK(labels(c) ==
        std::vector<std::string>{"wh_beta", "wh_param", "wh_alpha", "wh_global", "while", "while"});
  CHECK(item(c, "wh_beta").rank == kRankLocal);
  CHECK(item(c, "wh_alpha").rank == kRankUpvalue);
  // Within a rank, labels the typed part starts come before those it only runs through.
  auto fuzzy = complete_at("local abx, ax, axe = 1, 2, 3\nprint(ax«at|»)");
  CHECK(labels(fuzzy) == std::vector<std::string>{"ax", "axe", "abx"});
}

TEST_CASE("the typed part filters and is the range to replace", "[query][completion]") {
  auto c = complete_at("local alpha, gamma = 1, 2\nprint(al«at|»)");
  CHECK(has(c, "alpha"));
  CHECK(!has(c, "gamma"));
  CHECK(c.replace.end - c.replace.start == 2);
}

TEST_CASE("fields after a dot: constructor keys and assignments", "[query][completion]") {
  auto c = complete_at(
      "local t = { size = 1 }\n"
      "t.count = 2\n"
      "local u = { other = 3 }\n"
      "return t.«at|»");
  CHECK(labels(c) == std::vector<std::string>{"count", "size"});
  auto nested =
      complete_at("local cfg = { net = { port = 1 } }\ncfg.net.host = 'h'\nreturn cfg.net.«at|»");
  CHECK(labels(nested) == std::vector<std::string>{"host"});  // port: a nested constructor
}

TEST_CASE("methods after a colon", "[query][completion]") {
  auto c = complete_at(
      "local obj = {}\n"
      "function obj:run(speed) end\n"
      "obj.value = 1\n"
      "obj:«at|»");
  REQUIRE(labels(c) == std::vector<std::string>{"run"});
  CHECK(item(c, "run").detail == "function obj:run(speed)");
}

TEST_CASE("members of required modules and the standard library of the version",
          "[query][completion]") {
  auto c = complete_at("local m = require \"util.m\"\nreturn m.«at|»", LuaVersion::Lua54,
                       {{{"/ws/util/m.lua",
                          "local M = {}\n--- Greets.\nfunction M.hello(name) end\nM.VERSION = 1\n"
                          "return M"}}});
  CHECK(labels(c) == std::vector<std::string>{"VERSION", "hello"});
  CHECK(item(c, "hello").documentation == "Greets.");
  CHECK(has(complete_at("return math.«at|»", LuaVersion::Lua54), "tointeger"));
  CHECK(!has(complete_at("return math.«at|»", LuaVersion::Lua51), "tointeger"));
  CHECK(has(complete_at("return «at|»", LuaVersion::Lua51), "setfenv"));
  CHECK(!has(complete_at("return «at|»", LuaVersion::Lua54), "setfenv"));
}

TEST_CASE("no completion in comments and strings", "[query][completion]") {
  CHECK(complete_at("-- a comment «at|»\nreturn 1").items.empty());
  CHECK(complete_at("return \"text «at|»\"").items.empty());
  CHECK(!complete_at("return 1 -- x\n«at|»").items.empty());
}

TEST_CASE("globals the workspace sets are offered", "[query][completion]") {
  auto c = complete_at("return conf«at|»", LuaVersion::Lua54,
                       {{{"/ws/setup.lua", "config_value = 1\nlocal configure = 2"}}});
  CHECK(has(c, "config_value"));
  CHECK(!has(c, "configure"));
}

TEST_CASE("signature help: the active parameter", "[query][signature]") {
  auto h = help_at("local function add(a, b) end\nadd(1, «at|»");
  REQUIRE(h);
  CHECK(h->label == "add(a, b)");
  CHECK(h->active_parameter == 1);
  REQUIRE(h->parameters.size() == 2);
  CHECK(h->label.substr(h->parameters[1].start, 1) == "b");
  // Nested calls, strings and tables do not count their commas.
  h = help_at("local function add(a, b) end\nlocal function f(x, y) end\nadd(f(1, 2), «at|»");
  REQUIRE(h);
  CHECK(h->label == "add(a, b)");
  CHECK(h->active_parameter == 1);
  h = help_at("local function add(a, b) end\nadd(\"(,\", { 1, 2 }, «at|»");
  REQUIRE(h);
  CHECK(h->active_parameter == 2);
  h = help_at("local function f(x, y) end\nf(1, f(«at|»");
  REQUIRE(h);
  CHECK(h->active_parameter == 0);
}

TEST_CASE("signature help: standard library, varargs and methods", "[query][signature]") {
  auto h = help_at("string.format('%d %d', 1, «at|»");
  REQUIRE(h);
  CHECK(h->label == "string.format(formatstring, ...)");
  CHECK(h->active_parameter == 1);  // the vararg
  h = help_at("local o = {}\nfunction o:move(dx, dy) end\no:move(1, «at|»)");
  REQUIRE(h);
  CHECK(h->label == "o:move(dx, dy)");
  CHECK(h->active_parameter == 1);
  h = help_at("local s = 'x'\nreturn s:rep(«at|»");
  REQUIRE(h);
  CHECK(h->label == "s:rep(n, sep)");
  CHECK(!help_at("local x = 1\nreturn x «at|»"));
}
