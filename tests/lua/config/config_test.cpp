// The merge order, discovery from a root folder, and the Lua-pattern matcher behind ignore rules.
#include "lang/lua/config/config.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lang/lua/config/codes.hpp"
#include "lang/lua/config/load.hpp"
#include "lang/lua/config/lua_pattern.hpp"

using namespace moonring::lua::config;
using moonring::lua::LuaVersion;
using moonring::lua::Severity;
namespace fs = std::filesystem;

namespace {

// A fresh folder under /tmp, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/moonring-config-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, std::string_view text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

}  // namespace

TEST_CASE("merge: defaults < .luacheckrc < .luarc.json < command line", "[config][merge]") {
  Settings luacheck, luarc, cli;
  luacheck.version = LuaVersion::Lua51;
  luacheck.globals = {"from_luacheck"};
  luacheck.disabled = {"unused-arg", "shadowing"};
  luacheck.severity["unused-local"] = Severity::Hint;
  luarc.version = LuaVersion::Lua53;
  luarc.globals = {"from_luarc"};
  luarc.severity["unused-local"] = Severity::Error;
  cli.version = LuaVersion::LuaJIT;
  cli.enabled = {"shadowing"};

  Config c;
  CHECK(c.version == LuaVersion::Lua54);  // the default
  apply(c, luacheck, ".luacheckrc");
  apply(c, luarc, ".luarc.json");
  CHECK(c.version == LuaVersion::Lua53);
  apply(c, cli, "command line");
  CHECK(c.version == LuaVersion::LuaJIT);
  CHECK(c.globals == std::vector<std::string>{"from_luacheck", "from_luarc"});
  CHECK(c.is_disabled("unused-arg"));
  CHECK_FALSE(c.is_disabled("shadowing"));  // re-enabled by the command line
  CHECK(c.severity_of("unused-local") == Severity::Error);
  CHECK_FALSE(c.severity_of("unused-arg").has_value());
  CHECK(c.sources == std::vector<std::string>{".luacheckrc", ".luarc.json", "command line"});
  // With no std configured, the version's standard library is the std.
  CHECK(c.global("jit") == Config::GlobalKind::ReadOnly);
  CHECK(c.global("utf8") == Config::GlobalKind::Unknown);
}

TEST_CASE("severity names", "[config]") {
  CHECK(parse_severity("Error!") == Severity::Error);
  CHECK(parse_severity("warning") == Severity::Warning);
  CHECK(parse_severity("Information") == Severity::Information);
  CHECK(parse_severity("Hint") == Severity::Hint);
  CHECK_FALSE(parse_severity("loud").has_value());
  CHECK(severity_name(Severity::Hint) == "hint");
}

TEST_CASE("code tables", "[config]") {
  CHECK(moonring_codes().size() == 11);
  CHECK(codes_for_luals("duplicate-index") == std::vector<std::string_view>{"duplicate-key"});
  CHECK(codes_for_luals("need-check-nil").empty());
  for (std::string_view code : moonring_codes()) {
    if (code == "assign-to-const" || code == "goto-error") continue;  // luacheck: syntax errors
    INFO(code);
    CHECK_FALSE(luacheck_codes_for(code).empty());
  }
}

TEST_CASE("Lua patterns for ignore rules", "[config]") {
  CHECK(lua_pattern_find("^21", "212"));
  CHECK_FALSE(lua_pattern_find("^21", "312"));
  CHECK(lua_pattern_find("21", "3212"));  // unanchored: anywhere
  CHECK(lua_pattern_find("^_.*$", "_tmp"));
  CHECK_FALSE(lua_pattern_find("^_.*$", "tmp"));
  CHECK(lua_pattern_find("^self$", "self"));
  CHECK_FALSE(lua_pattern_find("^self$", "selfish"));
  CHECK(lua_pattern_find("var$", "tmpvar"));
  CHECK_FALSE(lua_pattern_find("var$", "variable"));
  CHECK(lua_pattern_find("^%a+_%d$", "abc_7"));
  CHECK(lua_pattern_find("^[%u_]+$", "ABC_D"));
  CHECK_FALSE(lua_pattern_find("^[%u_]+$", "ABc"));
  CHECK(lua_pattern_find("^[^x]-y$", "aby"));
  CHECK(lua_pattern_find("^colou?r$", "color"));
  CHECK(lua_pattern_find("^colou?r$", "colour"));
  CHECK(lua_pattern_find("^a%.b$", "a.b"));
  CHECK_FALSE(lua_pattern_find("^a%.b$", "axb"));
  CHECK(lua_pattern_find("^[a-c]+$", "abcab"));
  CHECK_FALSE(lua_pattern_find("(x)", "x"));  // captures are not supported
  // A pathological pattern ends (the step budget), whatever it answers.
  (void)lua_pattern_find(".-.-.-.-.-.-.-.-b$", std::string(200, 'a'));
}

TEST_CASE("load_config reads both files from the root", "[config][load]") {
  TempDir dir;
  dir.write(".luacheckrc", R"(std = "lua51+busted"
globals = {"rc_global"}
exclude_files = {"vendor/**"}
ignore = {"212/self"})");
  dir.write(".luarc.json", R"({
    // JSONC, as LuaLS writes it
    "runtime.version": "Lua 5.3",
    "diagnostics": {"globals": ["luarc_global"], "disable": ["unused-local"]},
    "workspace": {"library": ["libs"], "ignoreDir": ["build"]},
  })");
  Settings cli;
  cli.read_globals = {"cli_global"};
  auto r = load_config(dir.path.string(), cli);
  INFO((r ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  const Config& c = *r;
  CHECK(c.version == LuaVersion::Lua53);  // .luarc.json over .luacheckrc's "lua51"
  REQUIRE(c.std.has_value());             // luacheck's std still decides the names
  CHECK(c.global("setfenv") == Config::GlobalKind::ReadOnly);
  CHECK(c.global("describe") == Config::GlobalKind::ReadOnly);
  CHECK(c.global("rc_global") == Config::GlobalKind::Writable);
  CHECK(c.global("luarc_global") == Config::GlobalKind::Writable);
  CHECK(c.global("cli_global") == Config::GlobalKind::ReadOnly);
  CHECK(c.is_disabled("unused-local"));
  CHECK(c.is_ignored("unused-arg", "self"));
  CHECK_FALSE(c.is_ignored("unused-arg", "other"));
  CHECK(c.exclude == std::vector<std::string>{"vendor/**", "build"});
  CHECK(c.library == std::vector<std::string>{(dir.path / "libs").string()});
  REQUIRE(c.sources.size() == 3);
  CHECK(c.sources[0].ends_with(".luacheckrc"));
  CHECK(c.sources[1].ends_with(".luarc.json"));
}

TEST_CASE("load_config: no files, a parent's .luacheckrc, and errors", "[config][load]") {
  TempDir dir;
  dir.write("project/src/a.lua", "");
  auto none = load_config((dir.path / "project").string(), Settings{});
  REQUIRE(none.ok());
  CHECK(none->sources == std::vector<std::string>{"command line"});
  CHECK(none->version == LuaVersion::Lua54);

  dir.write(".luacheckrc", "globals = {'from_parent'}");
  ConfigFiles files = find_config_files((dir.path / "project").string());
  REQUIRE(files.luacheckrc.has_value());
  CHECK(*files.luacheckrc == fs::canonical(dir.path / ".luacheckrc").string());
  CHECK_FALSE(files.luarc.has_value());

  dir.write("project/.luarc.json", "{ \"runtime.version\": ");
  auto bad = load_config((dir.path / "project").string(), Settings{});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find(".luarc.json:1:") != std::string::npos);

  dir.write("project/.luarc.json", "{}");
  dir.write("project/.luacheckrc", "while true do end");
  auto loop = load_config((dir.path / "project").string(), Settings{});
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.error().message().find(".luacheckrc: exceeded 10,000,000 instructions") !=
        std::string::npos);

  auto missing = read_text_file((dir.path / "nope").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message().find("No such file") != std::string::npos);
}
