// `moonring check --format sarif`: a SARIF 2.1.0 log (one run, a rule per diagnostic code and one
// for files not checked), the form GitHub code scanning accepts. Columns are 1-based UTF-16 units,
// SARIF's default.
#include <array>
#include <string>

#include "app/check/report.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "workspace/documents/file_uri.hpp"

namespace moonring::app {

namespace {

struct RuleText {
  lua::DiagnosticCode code;
  const char* description;
};
constexpr std::array kRules{
    RuleText{lua::DiagnosticCode::SyntaxError, "The Lua compiler rejects this code."},
    RuleText{lua::DiagnosticCode::UndefinedGlobal,
             "A global that is read but neither standard, configured, nor assigned anywhere."},
    RuleText{lua::DiagnosticCode::UnusedLocal, "A local variable that is never read."},
    RuleText{lua::DiagnosticCode::UnusedArg, "A function parameter that is never read."},
    RuleText{lua::DiagnosticCode::UnusedLoopVar, "A loop variable that is never read."},
    RuleText{lua::DiagnosticCode::Shadowing,
             "A local that hides another variable of the same name."},
    RuleText{lua::DiagnosticCode::UnreachableCode, "Code that can never run."},
    RuleText{lua::DiagnosticCode::AssignToConst, "An assignment to a <const> or <close> local."},
    RuleText{lua::DiagnosticCode::GotoError, "A goto that cannot jump to its label."},
    RuleText{lua::DiagnosticCode::DuplicateKey, "A key given twice in one table constructor."},
    RuleText{lua::DiagnosticCode::RedundantValue,
             "More values than variables in a local statement."},
};
static_assert(kRules.size() == lua::kDiagnosticCodeCount);
// ruleIndex is the code's value: the table is in the enum's order.
static_assert([] {
  for (std::size_t i = 0; i < kRules.size(); ++i)
    if (static_cast<std::size_t>(kRules[i].code) != i) return false;
  return true;
}());

const char* level(lua::Severity severity) {
  switch (severity) {
    case lua::Severity::Error:
      return "error";
    case lua::Severity::Warning:
      return "warning";
    default:
      return "note";
  }
}

// A relative path stays relative to the source root (GitHub resolves it against the repository);
// an absolute one becomes a file: URI. Either way, bytes outside RFC 3986's unreserved set and
// "/" are percent-encoded. Written as a JSON artifactLocation object.
std::string artifact(const std::string& path) {
  const bool absolute = path.starts_with('/');
  const std::string uri =
      absolute ? workspace::path_to_file_uri(path) : workspace::percent_encode_path(path);
  std::string location = "{\"uri\":";
  jsonrpc::append_json_string(location, uri);
  location += absolute ? "}" : ",\"uriBaseId\":\"%SRCROOT%\"}";
  return location;
}

void rule(ReportOut& o, std::string_view id, const char* description, const char* level) {
  o << "{\"id\":\"" << id << "\",\"shortDescription\":{\"text\":";
  o.json_string(description);
  o << "},\"defaultConfiguration\":{\"level\":\"" << level << "\"}}";
}

// The error for a file that was not checked: a result and a notification carry it alike.
void not_checked(ReportOut& o, const std::string& location, const std::string& reason,
                 bool as_result) {
  if (as_result) {
    o << "{\"ruleId\":\"" << kNotCheckedCode << "\",\"ruleIndex\":" << std::uint64_t{kRules.size()}
      << ",\"level\":\"error\",\"message\":{\"text\":";
  } else {
    o << "{\"level\":\"error\",\"message\":{\"text\":";
  }
  o.json_string(reason);
  o << "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":" << location << "}}]}";
}

}  // namespace

// Written as it goes (a document built first cost more than the check).
void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports) {
  ReportOut o(out);
  o << "{\n\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\n\"version\":\"2.1.0\",\n"
       "\"runs\":[{\n\"tool\":{\"driver\":{\"name\":\"moonring\",\"version\":\"0.1.0\",\"rules\":[";
  for (const RuleText& r : kRules) {
    rule(o, lua::code_name(r.code), r.description, level(lua::default_severity(r.code)));
    o << ',';
  }
  // ruleIndex kRules.size(): files that were not checked.
  rule(o, kNotCheckedCode, "A file that was not checked: over the size limit, or unreadable.",
       "error");
  o << "]}},\n\"columnKind\":\"utf16CodeUnits\",\n";

  // The invocation fails when a file was not checked; each such file is a notification too.
  bool all_checked = true;
  std::string location;
  std::string scratch;  // a message built for printing (lua::message)
  for (const lua::FileReport& report : reports) {
    if (!report.load_error) continue;
    o << (all_checked ? "\"invocations\":[{\"executionSuccessful\":false,"
                        "\"toolExecutionNotifications\":[\n"
                      : ",\n");
    all_checked = false;
    not_checked(o, artifact(report.path), not_checked_reason(report), false);
  }
  o << (all_checked ? "\"invocations\":[{\"executionSuccessful\":true}],\n" : "]}],\n");

  o << "\"results\":[";
  bool first = true;
  for (const lua::FileReport& report : reports) {
    if (!report.load_error && report.diagnostic_count() == 0) continue;
    location = artifact(report.path);
    if (report.load_error) {
      o << (first ? "\n" : ",\n");
      first = false;
      not_checked(o, location, not_checked_reason(report), true);
      continue;
    }
    lua::for_each_diagnostic(report, [&](const lua::ReportedDiagnostic& r) {
      const lua::Diagnostic& d = r.diagnostic;
      o << (first ? "\n" : ",\n");
      first = false;
      o << "{\"ruleId\":\"" << lua::code_name(d.code)
        << "\",\"ruleIndex\":" << std::uint64_t{static_cast<unsigned>(d.code)} << ",\"level\":\""
        << level(d.severity) << "\",\"message\":{\"text\":";
      o.json_string(lua::message(report, r, scratch));
      o << "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":" << location
        << ",\"region\":{\"startLine\":" << std::uint64_t{d.start.line}
        << ",\"startColumn\":" << std::uint64_t{r.start_utf16 + 1u}
        << ",\"endLine\":" << std::uint64_t{d.end.line}
        << ",\"endColumn\":" << std::uint64_t{r.end_utf16 + 1u} << "}}}]}";
    });
  }
  o << (first ? "]\n}]\n}\n" : "\n]\n}]\n}\n");
}

}  // namespace moonring::app
