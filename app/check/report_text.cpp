// `moonring check --format text`: `file:line:col: severity: message [code]`, then a summary.
#include <string>

#include "app/check/report.hpp"

namespace moonring::app {

CheckTotals count(std::span<const lua::FileReport> reports) {
  CheckTotals totals;
  totals.files = reports.size();
  for (const lua::FileReport& report : reports) {
    for (const lua::ReportedDiagnostic& r : report.diagnostics) {
      switch (r.diagnostic.severity) {
        case lua::Severity::Error:
          ++totals.errors;
          break;
        case lua::Severity::Warning:
          ++totals.warnings;
          break;
        default:
          ++totals.others;
          break;
      }
    }
  }
  return totals;
}

namespace {
std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}
}  // namespace

void write_text(std::FILE* out, std::span<const lua::FileReport> reports,
                const CheckTotals& totals) {
  std::size_t files_with_findings = 0;
  for (const lua::FileReport& report : reports) {
    if (!report.diagnostics.empty()) ++files_with_findings;
    for (const lua::ReportedDiagnostic& r : report.diagnostics) {
      const lua::Diagnostic& d = r.diagnostic;
      std::fprintf(out, "%s:%u:%u: %.*s: %s [%.*s]\n", report.path.c_str(), d.start.line,
                   d.start.column, static_cast<int>(lua::severity_name(d.severity).size()),
                   lua::severity_name(d.severity).data(), d.message.c_str(),
                   static_cast<int>(lua::code_name(d.code).size()), lua::code_name(d.code).data());
    }
  }
  std::string summary = plural(totals.errors, "error") + ", " + plural(totals.warnings, "warning");
  if (totals.others != 0) summary += ", " + plural(totals.others, "note");
  std::fprintf(out, "%s in %s of %s checked (%.2f s)\n", summary.c_str(),
               plural(files_with_findings, "file").c_str(), plural(totals.files, "file").c_str(),
               totals.seconds);
}

}  // namespace moonring::app
