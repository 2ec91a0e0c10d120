// Our reading of .luacheckrc against luacheck itself: for each config, the globals luacheck calls
// undefined and the warnings its ignore patterns leave are the ones our Config predicts.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "lang/lua/config/luacheckrc.hpp"
#include "tests/skip.hpp"

using namespace moonring::lua::config;
namespace fs = std::filesystem;

namespace {

struct Warning {
  std::string code;  // "113", "211"
  std::string name;
  bool operator<(const Warning& o) const { return std::tie(code, name) < std::tie(o.code, o.name); }
  bool operator==(const Warning& o) const = default;
};

bool have_luacheck() {
  return std::system("command -v luacheck >/dev/null 2>&1") == 0;
}

// Runs luacheck on `lua` with `config` as its .luacheckrc; the (code, name) of each warning.
std::set<Warning> luacheck(const std::string& config, const std::string& lua) {
  char tmpl[] = "/tmp/moonring-luacheck-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  fs::path dir = tmpl;
  std::ofstream(dir / "cfg") << config;
  std::ofstream(dir / "f.lua") << lua;
  std::string cmd =
      "cd " + dir.string() + " && luacheck --no-color --formatter plain --codes --config cfg f.lua";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  fs::remove_all(dir);
  std::set<Warning> ws;
  static const std::regex line(R"(\(W(\d+)\) [^']*'([^']*)')");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    ws.insert({(*it)[1], (*it)[2]});
  }
  return ws;
}

Config read(const std::string& config) {
  auto s = read_luacheckrc(config, "cfg");
  INFO((s ? std::string() : s.error().message()));
  REQUIRE(s.ok());
  Config c;
  apply(c, *s, "cfg");
  return c;
}

}  // namespace

TEST_CASE("luacheck agrees on which globals each std defines", "[config][luacheck]") {
  if (!have_luacheck()) {
    return moonring::test::missing_tool("luacheck (Debian: lua-check)");
  }
  // newproxy is left out: luacheck's lua51 has it, our strict 5.1 (the manual) does not.
  const std::vector<std::string> names = {
      "print",    "setfenv", "getfenv", "unpack", "rawlen",     "utf8",  "bit",      "bit32",
      "jit",      "warn",    "gcinfo",  "module", "loadstring", "table", "describe", "it",
      "myglobal", "ngx",     "foo",     "arg",    "_G",         "load",  "require",  "math"};
  std::string lua;
  for (const auto& n : names) lua += "local _ = " + n + "\n";
  for (const std::string config :
       {"std = 'lua51'", "std = 'lua51c'", "std = 'lua52'", "std = 'lua52c'", "std = 'lua53'",
        "std = 'lua53c'", "std = 'lua54'", "std = 'lua54c'", "std = 'luajit'", "std = 'max'",
        "std = 'min'", "std = 'none'", "std = 'lua51+busted'", "std = 'lua53+lua51'",
        "std = 'lua54'; globals = {'myglobal'}; read_globals = {ngx = {fields = {'say'}}}",
        "std = 'none'; stds.mine = {read_globals = {'foo', 'print'}}; std = 'mine'"}) {
    INFO(config);
    std::set<std::string> theirs;
    for (const Warning& w : luacheck(config, lua)) {
      if (w.code == "113") theirs.insert(w.name);
    }
    Config c = read(config);
    std::set<std::string> ours;
    for (const auto& n : names) {
      if (c.global(n) == Config::GlobalKind::Unknown) ours.insert(n);
    }
    CHECK(ours == theirs);
  }
}

TEST_CASE("luacheck agrees on what ignore patterns silence", "[config][luacheck]") {
  if (!have_luacheck()) {
    return moonring::test::missing_tool("luacheck (Debian: lua-check)");
  }
  const std::string lua = R"(local function f(self, _a, b, tmp_arg)
  local x, _tmp, tmpvar, y = 1, 2, 3, 4
  for i, v in ipairs({}) do end
  for k = 1, 2 do end
end
return f
)";
  const std::string base = "std = 'max'\n";
  std::set<Warning> all = luacheck(base, lua);
  REQUIRE(all.size() >= 6);
  auto ours_code = [](const std::string& lc) -> std::string {
    if (lc == "211") return "unused-local";
    if (lc == "212") return "unused-arg";
    if (lc == "213") return "unused-loop-var";
    return "?";
  };
  for (const std::string ignore :
       {"{'212'}", "{'21'}", "{'2'}", "{'21/_.*'}", "{'self'}", "{'tmp.*'}", "{'211/tmp.*'}",
        "{'[xy]'}", "{'213', '212/self'}", "{'1'}", "{'%a'}", "{'^t'}", "{'.*var$'}"}) {
    std::string config = base + "ignore = " + ignore + "\n";
    INFO(config);
    std::set<Warning> theirs = luacheck(config, lua);
    Config c = read(config);
    std::set<Warning> ours;
    for (const Warning& w : all) {
      if (!c.is_ignored(ours_code(w.code), w.name)) ours.insert(w);
    }
    CHECK(ours == theirs);
  }
}

TEST_CASE("luacheck agrees on what ignore codes silence where ours cover several of its codes",
          "[config][luacheck]") {
  if (!have_luacheck()) {
    return moonring::test::missing_tool("luacheck (Debian: lua-check)");
  }
  // luacheck: W411 err, W212 arg1, W431 err, W421 err, W422 arg1, W231 tmp, W211 unused.
  const std::string lua = R"(local ok, err = pcall(print)
print(ok, err)
local res, err = pcall(print)
print(res, err)
local function g(arg1)
  local err = 1
  do local err = 2; print(err) end
  do local arg1 = 3; print(arg1) end
  local tmp
  tmp = 1
  local unused = 1
  return err
end
return g
)";
  const std::string base = "std = 'max'\n";
  std::set<Warning> all = luacheck(base, lua);
  REQUIRE(all.size() == 7);
  auto ours_code = [](const std::string& lc) -> std::string {
    if (lc == "211" || lc == "231") return "unused-local";
    if (lc == "212" || lc == "232") return "unused-arg";
    if (lc.starts_with("4")) return "shadowing";
    return "?";
  };
  for (const std::string ignore :
       {"{'431/err'}", "{'411'}", "{'42'}", "{'4'}", "{'43', '422/arg1'}", "{'231'}", "{'23'}",
        "{'21'}", "{'2'}", "{'[24]1/err'}", "{'4.2'}"}) {
    std::string config = base + "ignore = " + ignore + "\n";
    INFO(config);
    std::set<Warning> theirs = luacheck(config, lua);
    Config c = read(config);
    std::set<Warning> ours;
    for (const Warning& w : all) {
      // The checker hands luacheck's precise code (lang/lua/services/luacheck_code) along.
      if (!c.is_ignored(ours_code(w.code), w.name, w.code)) ours.insert(w);
    }
    CHECK(ours == theirs);
  }
}
