// for_each_diagnostic shows a report's diagnostics and its compactly kept undefined globals in one
// sequence, in exactly the order a stable merge by diagnostic_order gives (what the reports
// printed when the undefined globals were merged into the diagnostics themselves).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "lang/lua/services/check_workspace.hpp"

using namespace moonring::lua;

namespace {

ReportedDiagnostic other(DiagnosticCode code, std::uint32_t start, std::string message) {
  ReportedDiagnostic r;
  r.diagnostic.code = code;
  r.diagnostic.range = {start, start + 1};
  r.diagnostic.start = {1, start + 1};
  r.diagnostic.end = {1, start + 2};
  r.diagnostic.message = std::move(message);
  return r;
}

UndefinedGlobalRead read(std::uint32_t start, std::uint32_t subject) {
  UndefinedGlobalRead g;
  g.range = {start, start + 1};
  g.start = {1, start + 1};
  g.end = {1, start + 2};
  g.start_utf16 = start;
  g.end_utf16 = start + 1;
  g.subject = subject;
  return g;
}

// "code@start subject-or-message", one per diagnostic, in the order given.
std::string describe(const FileReport& report, const ReportedDiagnostic& r) {
  std::string scratch;
  return std::string(code_name(r.diagnostic.code)) + "@" +
         std::to_string(r.diagnostic.range.start) + " " + std::string(message(report, r, scratch));
}

}  // namespace

TEST_CASE("for_each_diagnostic merges undefined globals as a stable merge by position and code",
          "[check][report]") {
  FileReport report;
  report.subjects = {"a", "b"};
  // At 5 a syntax error (orders before undefined-global) and an unused local (after it); at 10 a
  // shadowing (after it); two reads at 5 keep their order.
  report.diagnostics = {other(DiagnosticCode::SyntaxError, 5, "syntax"),
                        other(DiagnosticCode::UnusedLocal, 5, "unused"),
                        other(DiagnosticCode::Shadowing, 10, "shadow"),
                        other(DiagnosticCode::UnreachableCode, 20, "unreachable")};
  report.undefined_globals = {read(1, 0), read(5, 1),  read(5, 0),
                              read(7, 1), read(10, 0), read(12, 1)};

  std::vector<std::string> shown;
  for_each_diagnostic(report,
                      [&](const ReportedDiagnostic& r) { shown.push_back(describe(report, r)); });

  // What the old phase 3 did: the reads appended as diagnostics, then std::inplace_merge.
  std::vector<ReportedDiagnostic> merged = report.diagnostics;
  for (const UndefinedGlobalRead& g : report.undefined_globals) {
    ReportedDiagnostic& r = merged.emplace_back();
    r.diagnostic.code = DiagnosticCode::UndefinedGlobal;
    r.diagnostic.range = g.range;
    r.subject = g.subject;
  }
  std::inplace_merge(merged.begin(), merged.begin() + std::ssize(report.diagnostics), merged.end(),
                     [](const ReportedDiagnostic& a, const ReportedDiagnostic& b) {
                       return diagnostic_order(a.diagnostic, b.diagnostic);
                     });
  std::vector<std::string> expected;
  for (const ReportedDiagnostic& r : merged) expected.push_back(describe(report, r));

  CHECK(shown == expected);
  CHECK(shown == std::vector<std::string>{
                     "undefined-global@1 undefined global 'a'",
                     "syntax-error@5 syntax",
                     "undefined-global@5 undefined global 'b'",
                     "undefined-global@5 undefined global 'a'",
                     "unused-local@5 unused",
                     "undefined-global@7 undefined global 'b'",
                     "undefined-global@10 undefined global 'a'",
                     "shadowing@10 shadow",
                     "undefined-global@12 undefined global 'b'",
                     "unreachable-code@20 unreachable",
                 });
  CHECK(report.diagnostic_count() == 10);
}

TEST_CASE("for_each_diagnostic shows every field of an undefined global", "[check][report]") {
  FileReport report;
  report.subjects = {"g"};
  UndefinedGlobalRead g = read(3, 0);
  g.severity = Severity::Error;
  report.undefined_globals = {g};
  int calls = 0;
  for_each_diagnostic(report, [&](const ReportedDiagnostic& r) {
    ++calls;
    CHECK(r.diagnostic.code == DiagnosticCode::UndefinedGlobal);
    CHECK(r.diagnostic.severity == Severity::Error);
    CHECK(r.diagnostic.range.start == 3);
    CHECK(r.diagnostic.range.end == 4);
    CHECK(r.diagnostic.start.column == 4);
    CHECK(r.diagnostic.end.column == 5);
    CHECK(r.start_utf16 == 3);
    CHECK(r.end_utf16 == 4);
    CHECK(r.subject == 0);
  });
  CHECK(calls == 1);
}
