// The .luacheckrc sandbox: escapes and bombs each end in a clear error value, in bounded time.
#include "lang/lua/config/sandbox.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include "lang/lua/config/error.hpp"
#include "lang/lua/config/luacheckrc.hpp"

using namespace moonring::lua::config;

namespace {

struct Outcome {
  bool ok;
  std::string message;
  double seconds;
};

Outcome run(std::string_view code, const SandboxLimits& limits = {}) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_sandboxed(code, "/w/.luacheckrc", limits);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {r.ok(), r.ok() ? std::string() : r.error().message(), seconds};
}

// Under ASan a Lua instruction costs more; ten million of them still take well under this.
constexpr double kBoundSeconds = 60;

void require_error(std::string_view code, std::string_view expected) {
  Outcome o = run(code);
  INFO(code << "\n-> " << o.message << " (" << o.seconds << " s)");
  CHECK_FALSE(o.ok);
  CHECK(o.message.find(expected) != std::string::npos);
  CHECK(o.seconds < kBoundSeconds);
}

}  // namespace

TEST_CASE("sandbox: a plain config comes back as its globals", "[config][sandbox]") {
  auto r = run_sandboxed(R"(std = "max"; globals = {"a", n = {fields = {"x"}}}; count = 3)",
                         "/w/.luacheckrc");
  REQUIRE(r.ok());
  const LuaValue* std = r->get("std");
  REQUIRE(std != nullptr);
  CHECK(std->string == "max");
  CHECK(r->get("count")->number == 3);
  auto globals = r->get("globals");
  REQUIRE(globals != nullptr);
  REQUIRE(globals->array().size() == 1);
  CHECK(globals->array()[0]->string == "a");
  CHECK(globals->get("n")->get("fields")->array()[0]->string == "x");
  CHECK(r->get("print") == nullptr);  // library functions are read through, not copied out
}

TEST_CASE("sandbox: no I/O, no os, no loading code", "[config][sandbox]") {
  require_error(R"(io.open("/etc/passwd"))", "global 'io'");
  require_error(R"(os.execute("touch /tmp/moonring-pwned"))", "global 'os'");
  require_error(R"(require("os"))", "global 'require'");
  require_error(R"(load("return 1")())", "global 'load'");
  require_error(R"(loadstring("return 1")())", "global 'loadstring'");
  require_error(R"(dofile("/etc/passwd"))", "global 'dofile'");
  require_error(R"(loadfile("/etc/passwd"))", "global 'loadfile'");
  require_error(R"(package.loadlib("libc.so.6", "system"))", "global 'package'");
  require_error(R"(debug.getregistry())", "global 'debug'");
  require_error(R"(collectgarbage("stop"))", "global 'collectgarbage'");
  require_error(R"(string.dump(function() end))", "field 'dump'");
  require_error(R"(print("noise"))", "global 'print'");
  // The library table reached through the environment's metatable is the sandbox's own.
  require_error(R"(getmetatable(_ENV).__index.io.open("/etc/passwd"))", "field 'io'");
}

TEST_CASE("sandbox: binary chunks are refused", "[config][sandbox]") {
  std::string binary = "\x1bLua";
  binary += std::string(40, '\0');
  Outcome o = run(binary);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("binary") != std::string::npos);
}

TEST_CASE("sandbox: errors carry the file and line", "[config][sandbox]") {
  require_error("x = 1\nerror('boom')", "/w/.luacheckrc:2: boom");
  require_error("x = = 1", "/w/.luacheckrc:1:");
  require_error("error({})", "/w/.luacheckrc");
  auto r = run_sandboxed("x = = 1", "/w/.luacheckrc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == make_error_code(ConfigErrc::lua_error));
}

TEST_CASE("sandbox: endless loops run out of instructions", "[config][sandbox]") {
  require_error("while true do end", "/w/.luacheckrc: exceeded 10,000,000 instructions");
  require_error("local i = 0 repeat i = i + 1 until false", "exceeded 10,000,000 instructions");
  require_error("local function f() return f() end f()", "exceeded 10,000,000 instructions");
  // A pcall cannot swallow the limit.
  require_error("while true do pcall(function() while true do end end) end",
                "exceeded 10,000,000 instructions");
  require_error("while true do xpcall(function() while true do end end, function() end) end",
                "exceeded 10,000,000 instructions");
  // Nor can a to-be-closed variable's __close keep running.
  require_error(
      "local x <close> = setmetatable({}, {__close = function() while true do end end}) "
      "while true do end",
      "exceeded 10,000,000 instructions");
  auto r = run_sandboxed("while true do end", "/w/.luacheckrc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == make_error_code(ConfigErrc::limit_exceeded));
}

TEST_CASE("sandbox: work done in C runs out of CPU time", "[config][sandbox]") {
  // Few instructions, each table.insert at the front shifting the whole table in C.
  SandboxLimits limits;
  limits.cpu_seconds = 1;
  Outcome o = run("local t = {} for i = 1, 1e6 do table.insert(t, 1, i) end", limits);
  INFO(o.message << " (" << o.seconds << " s)");
  CHECK_FALSE(o.ok);
  CHECK(o.message == "/w/.luacheckrc: exceeded 1 seconds of CPU time: sandbox limit exceeded");
  CHECK(o.seconds < kBoundSeconds);
}

TEST_CASE("sandbox: finalisers are refused", "[config][sandbox]") {
  // Lua runs __gc with hooks off: an endless finaliser could not be stopped, so none is allowed.
  require_error("setmetatable({}, {__gc = function() while true do end end}) globals = {'a'}",
                "/w/.luacheckrc:1: __gc metamethods are not allowed");
  require_error("setmetatable({}, {__gc = false})", "__gc metamethods are not allowed");
  // Added after setmetatable, __gc does not mark the object: nothing runs, the config reads.
  auto r = run_sandboxed(
      "local mt = {} local t = setmetatable({}, mt) mt.__gc = function() while true do end end "
      "globals = {'a'}",
      "/w/.luacheckrc");
  REQUIRE(r.ok());
  CHECK(r->get("globals")->array().size() == 1);
}

TEST_CASE("sandbox: memory bombs run out of memory", "[config][sandbox]") {
  require_error(R"(x = string.rep("x", 1 << 30))", "exceeded the memory limit of 64 MB");
  require_error(R"(local t = {} for i = 1, 1e9 do t[i] = i end)", "exceeded");
  require_error(R"(local s = "x" while true do s = s .. s end)", "exceeded the memory limit");
  require_error(R"(local ok = pcall(string.rep, "x", 1 << 30) x = ok)",
                "exceeded the memory limit");
  SandboxLimits small;
  small.memory_bytes = std::size_t{4} << 20;
  Outcome o = run(R"(x = string.rep("x", 8 << 20))", small);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("exceeded the memory limit of 4 MB") != std::string::npos);
}

TEST_CASE("sandbox: deep recursion is a Lua error, not a crash", "[config][sandbox]") {
  Outcome o = run("local function f(n) return 1 + f(n + 1) end f(1)");
  CHECK_FALSE(o.ok);
  CHECK((o.message.find("stack overflow") != std::string::npos ||
         o.message.find("exceeded") != std::string::npos));
  Outcome meta =
      run("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) x = t.y");
  CHECK_FALSE(meta.ok);
  CHECK(meta.message.find("stack overflow") != std::string::npos);
  std::string nested = "x = " + std::string(100000, '(') + "1" + std::string(100000, ')');
  Outcome parse = run(nested);
  CHECK_FALSE(parse.ok);
  CHECK(parse.message.find("/w/.luacheckrc") != std::string::npos);
}

TEST_CASE("sandbox: costly patterns are refused", "[config][sandbox]") {
  require_error(R"(x = string.find(string.rep("a", 100000), ".-.-.-.-b"))", "pattern too costly");
  require_error(R"(x = (string.rep("a", 100000)):match(".-.-.-b"))", "pattern too costly");
  // Ordinary use stays allowed.
  auto r = run_sandboxed(R"(x = ("lua51+busted"):match("^(%w+)%+") y = ("a,b"):gsub(",", ";"))",
                         "/w/.luacheckrc");
  REQUIRE(r.ok());
  CHECK(r->get("x")->string == "lua51");
  CHECK(r->get("y")->string == "a;b");
}

TEST_CASE("sandbox: cycles and odd keys in the result", "[config][sandbox]") {
  auto r =
      run_sandboxed(R"(t = {1, 2}; t.self = t; t[true] = 1; f = function() end)", "/w/.luacheckrc");
  REQUIRE(r.ok());
  const LuaValue* t = r->get("t");
  REQUIRE(t != nullptr);
  CHECK(t->array().size() == 2);
  CHECK(t->get("self")->type == LuaValue::Type::Other);  // the cycle is cut
  CHECK(r->get("f")->type == LuaValue::Type::Other);
}

TEST_CASE("sandbox: the reader reports sandbox errors as they are", "[config][sandbox]") {
  auto r = read_luacheckrc("while true do end", "/w/.luacheckrc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().starts_with("/w/.luacheckrc: exceeded 10,000,000 instructions"));
}

TEST_CASE("sandbox: one long library call ends within the CPU limit", "[config][sandbox]") {
  // Each is a single C call that never returns to the count hook on its own: the call is refused
  // up front where its cost is known, and the evaluating process is stopped where it is not.
  // (string.rep("", math.maxinteger) is answered at once instead: see the next case.)
  SandboxLimits limits;
  limits.cpu_seconds = 1;
  struct Hostile {
    const char* code;
    const char* expected;
  };
  for (const Hostile& h : {
           Hostile{R"(table.move({}, 1, 1e15, 1, {}))", "table.move: too many elements"},
           Hostile{R"(x = ("a"):rep(1e6):match(("a"):rep(1e5) .. "b"))", "pattern too costly"},
           // Each utf8.len is cheap enough but a thousand of them run between two hook calls.
           Hostile{R"(local s = ("x"):rep(3e7) for i = 1, 1e9 do utf8.len(s) end)",
                   "/w/.luacheckrc: exceeded 1 seconds of CPU time"},
       }) {
    Outcome o = run(h.code, limits);
    INFO(h.code << "\n-> " << o.message << " (" << o.seconds << " s)");
    CHECK_FALSE(o.ok);
    CHECK(o.message.find(h.expected) != std::string::npos);
    // One second of CPU time; the rest is room for a loaded machine (a starved child goes on
    // until its CPU limit) and a sanitised build.
    CHECK(o.seconds < 30);
  }
}

TEST_CASE("sandbox: an empty string.rep is answered at once", "[config][sandbox]") {
  SandboxLimits limits;
  limits.cpu_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = run_sandboxed(R"(x = string.rep("", math.maxinteger) y = (""):rep(1e15, ""))",
                         "/w/.luacheckrc", limits);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.ok());
  CHECK(r->get("x")->string.empty());
  CHECK(r->get("y")->string.empty());
  CHECK(seconds < 10);
}
