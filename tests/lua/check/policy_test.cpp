// Diagnostic codes, severities and the policy that disables codes or changes their severity.
#include "tests/lua/check/check_support.hpp"

using namespace moonring::lua;

TEST_CASE("codes round-trip through their stable names", "[check][policy]") {
  for (std::size_t i = 0; i < kDiagnosticCodeCount; ++i) {
    auto code = static_cast<DiagnosticCode>(i);
    auto back = parse_code(code_name(code));
    REQUIRE(back.has_value());
    CHECK(*back == code);
  }
  CHECK(!parse_code("no-such-code").has_value());
  CHECK(code_name(DiagnosticCode::UndefinedGlobal) == "undefined-global");
  CHECK(default_severity(DiagnosticCode::GotoError) == Severity::Error);
  CHECK(default_severity(DiagnosticCode::Shadowing) == Severity::Warning);
}

TEST_CASE("the policy disables codes and overrides severities", "[check][policy]") {
  FileAnalysis file = analyze("local a = 1\nprint(b)", LuaVersion::Lua54);
  CheckOptions options;
  auto all = check(file, options);
  REQUIRE(all.size() == 3);  // unused a, undefined print, undefined b: sorted by position
  CHECK(all[0].code == DiagnosticCode::UnusedLocal);
  CHECK(all[1].code == DiagnosticCode::UndefinedGlobal);
  options.policy.disable(DiagnosticCode::UndefinedGlobal);
  options.policy.set_severity(DiagnosticCode::UnusedLocal, Severity::Hint);
  auto some = check(file, options);
  REQUIRE(some.size() == 1);
  CHECK(some[0].severity == Severity::Hint);
}
