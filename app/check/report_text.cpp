// `moonring check --format text`: `file:line:col: severity: message [code]`, then a summary. A file
// not checked is `file: error: why [file-not-checked]`. The file's bytes (in paths and messages)
// are escaped for the terminal.
#include <string>
#include <vector>

#include "app/check/report.hpp"

namespace moonring::app {

std::string not_checked_reason(const lua::FileReport& report) {
  return report.load_error ? report.load_error->message() : std::string();
}

CheckTotals count(std::span<const lua::FileReport> reports) {
  CheckTotals totals;
  for (const lua::FileReport& report : reports) {
    if (report.load_error) {
      ++totals.not_checked;
      ++totals.errors;
      continue;
    }
    ++totals.files;
    const auto add = [&totals](lua::Severity severity) {
      switch (severity) {
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
    };
    for (const lua::ReportedDiagnostic& r : report.diagnostics) add(r.diagnostic.severity);
    for (const lua::UndefinedGlobalRead& read : report.undefined_globals) add(read.severity);
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
  ReportOut o(out);
  std::size_t files_with_findings = 0;
  std::string scratch;  // a message built for printing (lua::message)
  std::string path;     // the report's path escaped, once per file
  // What follows the column of a file's undefined globals, escaped once per name and severity:
  // a file can read one undefined global a million times.
  struct Tail {
    std::string text;  // ": warning: undefined global 'x' [undefined-global]\n"
    lua::Severity severity = lua::Severity::Warning;
  };
  std::vector<Tail> tails;
  std::string tail;
  const auto build_tail = [&](const lua::FileReport& report, const lua::ReportedDiagnostic& r,
                              std::string& into) {
    into.clear();
    into += ": ";
    into += lua::severity_name(r.diagnostic.severity);
    into += ": ";
    append_terminal_text(into, lua::message(report, r, scratch));
    into += " [";
    into += lua::code_name(r.diagnostic.code);
    into += "]\n";
  };
  for (const lua::FileReport& report : reports) {
    if (report.load_error) {
      o.terminal_text(report.path);
      o << ": error: ";
      o.terminal_text(not_checked_reason(report));
      o << " [" << kNotCheckedCode << "]\n";
      continue;
    }
    if (report.diagnostic_count() == 0) continue;
    ++files_with_findings;
    path.clear();
    append_terminal_text(path, report.path);
    tails.assign(report.subjects.size(), Tail{});
    lua::for_each_diagnostic(report, [&](const lua::ReportedDiagnostic& r) {
      const lua::Diagnostic& d = r.diagnostic;
      o << path << ':' << std::uint64_t{d.start.line} << ':' << std::uint64_t{d.start.column};
      if (r.subject == lua::kNoSubject) {
        build_tail(report, r, tail);
        o << tail;
        return;
      }
      Tail& cached = tails[r.subject];
      if (cached.text.empty() || cached.severity != d.severity) {
        build_tail(report, r, cached.text);
        cached.severity = d.severity;
      }
      o << cached.text;
    });
  }
  std::string summary = plural(totals.errors, "error") + ", " + plural(totals.warnings, "warning");
  if (totals.others != 0) summary += ", " + plural(totals.others, "note");
  summary += " in " + plural(files_with_findings, "file") + " of " + plural(totals.files, "file") +
             " checked";
  if (totals.not_checked != 0)
    summary += ", " + plural(totals.not_checked, "file") + " not checked";
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, " (%.2f s)\n", totals.seconds);
  o << summary << seconds;
}

}  // namespace moonring::app
