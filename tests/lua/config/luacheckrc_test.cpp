// .luacheckrc: std names, global definitions in both forms, ignore patterns, files overrides.
#include "lang/lua/config/luacheckrc.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "lang/lua/config/error.hpp"

using namespace moonring::lua::config;
using moonring::lua::LuaVersion;
namespace stdlib = moonring::lua::stdlib;

namespace {

Settings read_ok(std::string_view text) {
  auto r = read_luacheckrc(text, "/w/.luacheckrc");
  INFO((r ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Config config_of(const Settings& s) {
  Config c;
  apply(c, s, "test");
  return c;
}

}  // namespace

TEST_CASE("luacheckrc: std names map to the stdlib tables", "[config][luacheckrc]") {
  Settings s51 = read_ok(R"(std = "lua51")");
  REQUIRE(s51.std.has_value());
  CHECK(s51.std->versions ==
        std::vector<StdSet::Part>{{LuaVersion::Lua51, stdlib::Compat::Exclude}});
  CHECK(s51.version == LuaVersion::Lua51);
  CHECK(config_of(s51).global("setfenv") == Config::GlobalKind::ReadOnly);
  CHECK(config_of(s51).global("rawlen") == Config::GlobalKind::Unknown);

  Settings max = read_ok(R"(std = "max")");
  CHECK(max.std->versions.size() == 5);
  CHECK_FALSE(max.version.has_value());
  Config cmax = config_of(max);
  CHECK(cmax.global("setfenv") == Config::GlobalKind::ReadOnly);
  CHECK(cmax.global("warn") == Config::GlobalKind::ReadOnly);
  CHECK(cmax.global("bit") == Config::GlobalKind::ReadOnly);

  Config cmin = config_of(read_ok(R"(std = "min")"));
  CHECK(cmin.global("print") == Config::GlobalKind::ReadOnly);
  CHECK(cmin.global("setfenv") == Config::GlobalKind::Unknown);
  CHECK(cmin.global("rawlen") == Config::GlobalKind::Unknown);

  Config none = config_of(read_ok(R"(std = "none")"));
  CHECK(none.global("print") == Config::GlobalKind::Unknown);

  Settings jit = read_ok(R"(std = "luajit")");
  CHECK(jit.version == LuaVersion::LuaJIT);
  CHECK(config_of(jit).global("jit") == Config::GlobalKind::ReadOnly);

  Settings c54 = read_ok(R"(std = "lua54c")");
  CHECK(c54.std->versions ==
        std::vector<StdSet::Part>{{LuaVersion::Lua54, stdlib::Compat::Include}});
}

TEST_CASE("luacheckrc: std combinations with +", "[config][luacheckrc]") {
  Settings s = read_ok(R"(std = "lua51+busted")");
  CHECK(s.version == LuaVersion::Lua51);
  CHECK(has(s.read_globals, "describe"));
  Config c = config_of(s);
  CHECK(c.global("it") == Config::GlobalKind::ReadOnly);
  CHECK(c.global("setfenv") == Config::GlobalKind::ReadOnly);

  Settings add = read_ok(R"(std = "+busted")");
  CHECK_FALSE(add.std.has_value());  // the default stays; busted's names are added
  CHECK(has(add.read_globals, "assert"));

  Settings two = read_ok(R"(std = "lua51+lua53")");
  CHECK(two.std->versions.size() == 2);
  CHECK_FALSE(two.version.has_value());

  Settings custom = read_ok(R"(
    stds.myproject = {globals = {"PROJECT"}, read_globals = {"helper"}}
    std = "lua54+myproject"
  )");
  CHECK(has(custom.globals, "PROJECT"));
  CHECK(has(custom.read_globals, "helper"));

  Settings unknown = read_ok(R"(std = "love+lua51")");
  REQUIRE(unknown.notes.size() == 1);
  CHECK(unknown.notes[0] == "/w/.luacheckrc: std \"love\" is not known to moonring; ignored");
}

TEST_CASE("luacheckrc: globals and read_globals, strings and tables", "[config][luacheckrc]") {
  Settings s = read_ok(R"(
    globals = {"GLOBAL_A", "_ENV_LIKE"}
    read_globals = {
      "vim",
      ngx = {fields = {"say", "log", var = {other_fields = true}}},
      awesome = {read_only = false},
    }
    new_read_globals = {"extra"}
  )");
  CHECK(has(s.globals, "GLOBAL_A"));
  CHECK(has(s.globals, "_ENV_LIKE"));
  CHECK(has(s.globals, "awesome"));
  CHECK(has(s.read_globals, "vim"));
  CHECK(has(s.read_globals, "ngx"));
  CHECK(has(s.read_globals, "ngx.say"));
  CHECK(has(s.read_globals, "ngx.var"));
  CHECK(has(s.read_globals, "extra"));
  Config c = config_of(s);
  CHECK(c.global("GLOBAL_A") == Config::GlobalKind::Writable);
  CHECK(c.global("ngx") == Config::GlobalKind::ReadOnly);
  CHECK(c.global("ng") == Config::GlobalKind::Unknown);
  CHECK(c.global("nope") == Config::GlobalKind::Unknown);
}

TEST_CASE("luacheckrc: the config may compute its lists", "[config][luacheckrc]") {
  Settings s = read_ok(R"(
    local names = {}
    for i = 1, 3 do names[#names + 1] = "gen_" .. i end
    globals = names
    read_globals = {string.upper("up"), ("x"):rep(2)}
  )");
  CHECK(s.globals == std::vector<std::string>{"gen_1", "gen_2", "gen_3"});
  CHECK(has(s.read_globals, "UP"));
  CHECK(has(s.read_globals, "xx"));
}

TEST_CASE("luacheckrc: ignore patterns become rules over our codes", "[config][luacheckrc]") {
  Settings s = read_ok(R"(ignore = {"212", "21/_.*", "self", "4", "631", 213})");
  Config c = config_of(s);
  CHECK(c.is_ignored("unused-arg", "anything"));
  CHECK(c.is_ignored("unused-local", "_tmp"));
  CHECK_FALSE(c.is_ignored("unused-local", "tmp"));
  CHECK(c.is_ignored("undefined-global", "self"));  // a name alone: every code
  CHECK_FALSE(c.is_ignored("undefined-global", "myself"));
  CHECK(c.is_ignored("shadowing", "x"));
  CHECK(c.is_ignored("unused-loop-var", "i"));
  CHECK_FALSE(c.is_ignored("duplicate-key", "x"));  // 631 (line length) is none of ours
}

TEST_CASE("luacheckrc: switches, enable, exclude_files, files", "[config][luacheckrc]") {
  Settings s = read_ok(R"(
    unused_args = false
    redefined = false
    exclude_files = {"./lua_modules", "spec/fixtures/**"}
    files["spec"] = {std = "+busted", ignore = {"212"}}
    files["src/legacy.lua"] = {global = false}
  )");
  CHECK(s.disabled == std::set<std::string>{"unused-arg", "shadowing"});
  CHECK(s.exclude == std::vector<std::string>{"lua_modules", "spec/fixtures/**"});
  REQUIRE(s.files.size() == 2);
  Config c = config_of(s);
  Config spec = for_file(c, "spec/a_spec.lua");
  CHECK(spec.global("describe") == Config::GlobalKind::ReadOnly);
  CHECK(spec.is_ignored("unused-arg", "x"));
  Config src = for_file(c, "src/main.lua");
  CHECK(src.global("describe") == Config::GlobalKind::Unknown);
  CHECK_FALSE(src.is_disabled("undefined-global"));
  CHECK(for_file(c, "src/legacy.lua").is_disabled("undefined-global"));

  Settings all = read_ok(R"(unused = false; global = false)");
  CHECK(all.disabled ==
        std::set<std::string>{"unused-local", "unused-arg", "unused-loop-var", "undefined-global"});
  Settings en = read_ok(R"(enable = {"21"})");
  CHECK(en.enabled == std::set<std::string>{"unused-local", "unused-arg", "unused-loop-var"});
}

TEST_CASE("luacheckrc: wrong types are errors naming the option", "[config][luacheckrc]") {
  auto r = read_luacheckrc("globals = 42", "/w/.luacheckrc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == make_error_code(ConfigErrc::wrong_type));
  CHECK(r.error().message().find("/w/.luacheckrc: globals: expected a table, got number") !=
        std::string::npos);
  CHECK_FALSE(read_luacheckrc("std = 5", "/w/.luacheckrc").ok());
  CHECK_FALSE(read_luacheckrc("read_globals = {type}", "/w/.luacheckrc").ok());
  CHECK_FALSE(read_luacheckrc("unused_args = 'no'", "/w/.luacheckrc").ok());
  CHECK_FALSE(read_luacheckrc("files = 1", "/w/.luacheckrc").ok());
}

TEST_CASE("known_globals answers as global() does", "[config][luacheckrc]") {
  for (const char* rc :
       {"std = 'lua51'; globals = {'a.b', 'c'}; read_globals = {'d'}", "std = 'max'", "std = 'min'",
        "std = 'none'", "std = 'lua54+busted'", "globals = {'x'}"}) {
    INFO(rc);
    Config c = config_of(read_ok(rc));
    KnownGlobals known = c.known_globals();
    for (const char* name : {"a", "b", "c", "d", "x", "print", "setfenv", "warn", "jit", "bit32",
                             "describe", "unpack", "gcinfo", "arg", "_G", "nope"}) {
      INFO(name);
      CHECK(known.contains(name) == (c.global(name) != Config::GlobalKind::Unknown));
    }
  }
}
