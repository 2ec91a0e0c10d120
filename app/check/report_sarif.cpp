// `moonring check --format sarif`: a SARIF 2.1.0 log (one run, a rule per diagnostic code and one
// for files not checked), the form GitHub code scanning accepts. Columns are 1-based UTF-16 units,
// SARIF's default.
#include <array>
#include <cstdint>
#include <string>

#include "app/check/report.hpp"
#include "app/check/report_pieces.hpp"
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

// One thread's formatting of pieces of the results; the first piece holds the first result.
class SarifResults : public FindingsPiece<SarifResults> {
 public:
  using FindingsPiece::FindingsPiece;

  void file(std::size_t index, const lua::FileReport& report) {
    if (index == report_) return;
    report_ = index;
    location_ = artifact(report.path);
  }

  void not_checked(const lua::FileReport& report) {
    separate();
    app::not_checked(*out_, location_, not_checked_reason(report), true);
  }

  void diagnostic(const lua::FileReport& report, const lua::ReportedDiagnostic& r) {
    const lua::Diagnostic& d = r.diagnostic;
    const std::string_view message = lua::message(report, r, scratch_);
    const std::string_view code = lua::code_name(d.code);
    // The result through one room(): a report can have a million of them.
    ReportBuffer& b = out_->buffer();
    RoomWriter w{b.room(kFixedRoom + location_.size() + code.size() +
                        jsonrpc::json_string_room(message.size()))};
    w << (first_ ? "\n" : ",\n") << "{\"ruleId\":\"" << code
      << "\",\"ruleIndex\":" << std::uint64_t{static_cast<unsigned>(d.code)} << ",\"level\":\""
      << level(d.severity) << "\",\"message\":{\"text\":";
    w.json_string(message);
    w << "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":" << location_
      << ",\"region\":{\"startLine\":" << std::uint64_t{d.start.line}
      << ",\"startColumn\":" << std::uint64_t{r.start_utf16 + 1u}
      << ",\"endLine\":" << std::uint64_t{d.end.line}
      << ",\"endColumn\":" << std::uint64_t{r.end_utf16 + 1u} << "}}}]}";
    b.commit(w.p);
    first_ = false;
  }

 private:
  void separate() {
    *out_ << (first_ ? "\n" : ",\n");
    first_ = false;
  }

  // The literal text of a result (about 200 bytes), a level and five numbers of at most 20 digits.
  static constexpr std::size_t kFixedRoom = 384;

  std::size_t report_ = SIZE_MAX;  // the report location_ is for
  std::string location_;           // its artifactLocation
  std::string scratch_;            // a message built for printing (lua::message)
};

}  // namespace

// Written as it goes (a document built first cost more than the check).
void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports,
                 const ReportLayout& layout) {
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
  o.flush();  // before the pieces, which go to `out` directly
  const ReportPlan plan = cut_into_pieces(reports, layout.piece_items);
  write_pieces(out, plan.pieces(), layout.threads,
               [&] { return PieceFormatter(SarifResults(reports, plan)); });
  o << (plan.findings == 0 ? "]\n}]\n}\n" : "\n]\n}]\n}\n");
}

}  // namespace moonring::app
