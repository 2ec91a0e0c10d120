// undefined-global: reads of globals neither known nor assigned in any checked file.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;
using moonring::lua::testing::expect_code;

namespace {
std::vector<Diagnostic> only_code(const std::vector<Diagnostic>& all) {
  return moonring::lua::testing::only(all, DiagnosticCode::UndefinedGlobal);
}
}  // namespace

TEST_CASE("undefined-global: reads of unknown, unassigned names", "[check][globals]") {
  auto d = expect_code(DiagnosticCode::UndefinedGlobal,
                       "print(«foo»)\n"
                       "«bar».x = 1\n"
                       "function «baz».m() end\n"
                       "defined = 1\n"
                       "print(defined)\n"
                       "function defined_fn() return «later» end\n"
                       "local l = «l»\n");
  REQUIRE(!d.empty());
  CHECK(d[0].message == "undefined global 'foo'");
  CHECK(d[0].start.line == 1);
  CHECK(d[0].start.column == 7);
}

TEST_CASE("undefined-global: a set anywhere in the file defines the name", "[check][globals]") {
  expect_code(DiagnosticCode::UndefinedGlobal, "print(x)\nx = 1\nfunction f() return f end");
}

TEST_CASE("undefined-global: free names under a local _ENV are fields, not globals (5.2+)",
          "[check][globals]") {
  expect_code(DiagnosticCode::UndefinedGlobal, "local _ENV = {}\nreturn y");
  expect_code(DiagnosticCode::UndefinedGlobal, "local _ENV = {}\nreturn «y»", LuaVersion::Lua51);
  expect_code(DiagnosticCode::UndefinedGlobal, "return _ENV.«y», _ENV", LuaVersion::Lua54);
  expect_code(DiagnosticCode::UndefinedGlobal, "return «_ENV».y", LuaVersion::Lua51);
}

TEST_CASE("undefined-global: two phases over a workspace", "[check][globals]") {
  auto a = analyze("shared = {}\nreturn helper()", LuaVersion::Lua54);
  auto b = analyze("function helper() return shared end\nreturn missing", LuaVersion::Lua54);
  GlobalSet assigned;
  add_assigned_globals(a, assigned);
  add_assigned_globals(b, assigned);
  CHECK(assigned.size() == 2);
  CheckOptions options;
  options.assigned_globals = &assigned;
  auto da = only_code(check(a, options));
  auto db = only_code(check(b, options));
  CHECK(da.empty());
  REQUIRE(db.size() == 1);
  CHECK(db[0].message == "undefined global 'missing'");
  // Each file alone: helper and shared are undefined where they are read.
  CheckOptions alone;
  CHECK(only_code(check(a, alone)).size() == 1);
  CHECK(only_code(check(b, alone)).size() == 2);
}
