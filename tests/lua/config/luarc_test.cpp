// .luarc.json: every key in flat, nested and "Lua."-prefixed form, JSONC, and the error values.
#include "lang/lua/config/luarc.hpp"

#include <catch2/catch.hpp>

#include "lang/lua/config/error.hpp"

using namespace moonring::lua::config;
using moonring::lua::LuaVersion;
using moonring::lua::Severity;

namespace {

Settings read_ok(std::string_view text) {
  auto r = read_luarc(text, "/w/.luarc.json", "/w");
  INFO((r ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string read_error(std::string_view text) {
  auto r = read_luarc(text, "/w/.luarc.json", "/w");
  REQUIRE_FALSE(r.ok());
  return r.error().message();
}

}  // namespace

TEST_CASE("luarc: runtime.version in every form", "[config][luarc]") {
  CHECK(read_ok(R"({"runtime.version": "Lua 5.1"})").version == LuaVersion::Lua51);
  CHECK(read_ok(R"({"runtime": {"version": "LuaJIT"}})").version == LuaVersion::LuaJIT);
  CHECK(read_ok(R"({"Lua.runtime.version": "Lua 5.3"})").version == LuaVersion::Lua53);
  CHECK(read_ok(R"({"Lua": {"runtime": {"version": "Lua 5.2"}}})").version == LuaVersion::Lua52);
  CHECK(read_ok(R"({"Lua.runtime": {"version": "Lua 5.4"}})").version == LuaVersion::Lua54);
  CHECK_FALSE(read_ok(R"({"$schema": "x"})").version.has_value());
  Settings unknown = read_ok(R"({"runtime.version": "Lua 9.9"})");
  CHECK_FALSE(unknown.version.has_value());
  REQUIRE(unknown.notes.size() == 1);
  CHECK(unknown.notes[0].find("Lua 9.9") != std::string::npos);
}

TEST_CASE("luarc: globals, disable, severity, ignoreDir, library", "[config][luarc]") {
  Settings s = read_ok(R"({
    "diagnostics": {
      "globals": ["vim", "describe"],
      "disable": ["lowercase-global", "unused-local", "duplicate-index", "redundant-value"],
      "severity": {"undefined-global": "Error!", "redefined-local": "Hint", "code-after-break": "Information"}
    },
    "workspace.ignoreDir": [".vscode", "/build/"],
    "workspace.library": ["/usr/share/lua/5.1", "lib", "./vendor", "${3rd}/busted/library"],
    "completion.enable": true
  })");
  CHECK(s.globals == std::vector<std::string>{"vim", "describe"});
  CHECK(s.disabled == std::set<std::string>{"unused-local", "duplicate-key", "redundant-value"});
  CHECK(s.severity.at("undefined-global") == Severity::Error);
  CHECK(s.severity.at("shadowing") == Severity::Hint);
  CHECK(s.severity.at("unreachable-code") == Severity::Information);
  CHECK(s.exclude == std::vector<std::string>{".vscode", "/build/"});
  CHECK(s.library == std::vector<std::string>{"/usr/share/lua/5.1", "/w/lib", "/w/vendor"});
  // lowercase-global has no counterpart, ${3rd} is not expanded: both noted, neither an error.
  CHECK(s.notes.size() == 2);
}

TEST_CASE("luarc: moonring codes are taken as themselves", "[config][luarc]") {
  Settings s = read_ok(R"({"diagnostics.disable": ["unused-arg", "shadowing"]})");
  CHECK(s.disabled == std::set<std::string>{"unused-arg", "shadowing"});
}

TEST_CASE("luarc: the older library form is an object of paths", "[config][luarc]") {
  Settings s = read_ok(R"({"workspace": {"library": {"/opt/lib": true, "/opt/off": false}}})");
  CHECK(s.library == std::vector<std::string>{"/opt/lib"});
}

TEST_CASE("luarc: comments and trailing commas", "[config][luarc]") {
  Settings s = read_ok(R"({
    // a line comment, with a comma,
    "runtime.version": "Lua 5.1", /* a block comment */
    "diagnostics.globals": [
      "a", // "not, a string",
      "b",
    ],
    "text": "a string with , ] and // inside",
  })");
  CHECK(s.version == LuaVersion::Lua51);
  CHECK(s.globals == std::vector<std::string>{"a", "b"});
}

TEST_CASE("luarc: bad JSON is an error with the place", "[config][luarc]") {
  std::string msg = read_error("{\n  \"runtime.version\": \"Lua 5.1\"\n  \"x\": 1\n}");
  CHECK(msg.starts_with("/w/.luarc.json:3:"));
  auto r = read_luarc("{", "/w/.luarc.json", "/w");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == make_error_code(ConfigErrc::invalid_json));
  CHECK_FALSE(read_luarc("", "/w/.luarc.json", "/w").ok());
  CHECK_FALSE(read_luarc("{\"a\": \"\xff\"}", "/w/.luarc.json", "/w").ok());
}

TEST_CASE("luarc: wrong types are errors naming the key", "[config][luarc]") {
  std::string msg = read_error(R"({"diagnostics.globals": "vim"})");
  CHECK(msg.find("diagnostics.globals: expected an array of strings, got string") !=
        std::string::npos);
  CHECK(read_error(R"({"runtime": {"version": 5.1}})").find("runtime.version") !=
        std::string::npos);
  CHECK(read_error(R"({"diagnostics.disable": [1]})").find("diagnostics.disable") !=
        std::string::npos);
  CHECK(read_error(R"({"diagnostics.severity": ["x"]})").find("diagnostics.severity") !=
        std::string::npos);
  CHECK(read_error(R"({"diagnostics.severity": {"unused-local": 3}})")
            .find("diagnostics.severity.unused-local") != std::string::npos);
  CHECK(read_error(R"({"workspace.ignoreDir": {}})").find("workspace.ignoreDir") !=
        std::string::npos);
  CHECK(read_error(R"([1, 2])").find("expected an object") != std::string::npos);
  auto r = read_luarc(R"({"workspace.library": 3})", "/w/.luarc.json", "/w");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == make_error_code(ConfigErrc::wrong_type));
}
