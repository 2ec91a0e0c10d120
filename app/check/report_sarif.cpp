// `moonring check --format sarif`: a SARIF 2.1.0 log (one run, a rule per diagnostic code), the
// form GitHub code scanning accepts. Columns are 1-based UTF-16 units, SARIF's default.
#include <array>
#include <string>

#include <nlohmann/json.hpp>

#include "app/check/report.hpp"
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
// "/" are percent-encoded.
nlohmann::json artifact(const std::string& path) {
  std::string uri = path.starts_with('/') ? workspace::path_to_file_uri(path)
                                          : workspace::percent_encode_path(path);
  nlohmann::json location = {{"uri", uri}};
  if (!path.starts_with('/')) location["uriBaseId"] = "%SRCROOT%";
  return location;
}

}  // namespace

void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports) {
  nlohmann::json rules = nlohmann::json::array();
  for (const RuleText& rule : kRules) {
    rules.push_back(
        {{"id", lua::code_name(rule.code)},
         {"shortDescription", {{"text", rule.description}}},
         {"defaultConfiguration", {{"level", level(lua::default_severity(rule.code))}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const lua::FileReport& report : reports) {
    for (const lua::ReportedDiagnostic& r : report.diagnostics) {
      const lua::Diagnostic& d = r.diagnostic;
      results.push_back({
          {"ruleId", lua::code_name(d.code)},
          {"ruleIndex", static_cast<int>(d.code)},
          {"level", level(d.severity)},
          {"message", {{"text", d.message}}},
          {"locations",
           {{{"physicalLocation",
              {{"artifactLocation", artifact(report.path)},
               {"region",
                {{"startLine", d.start.line},
                 {"startColumn", r.start_utf16 + 1},
                 {"endLine", d.end.line},
                 {"endColumn", r.end_utf16 + 1}}}}}}}},
      });
    }
  }
  const nlohmann::json log = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "moonring"}, {"version", "0.1.0"}, {"rules", rules}}}}},
         {"columnKind", "utf16CodeUnits"},
         {"results", results}}}},
  };
  const std::string text = log.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fputc('\n', out);
}

}  // namespace moonring::app
