// `moonring check --format json`: one array of {file, range, severity, code, message}, with
// 0-based lines and UTF-16 characters as LSP positions have them, one diagnostic a line. A file
// not checked is an error with the code `file-not-checked` at 0:0.
#include <cstdint>
#include <string>

#include "app/check/report.hpp"
#include "app/check/report_pieces.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::app {

namespace {

// `file` already a JSON string.
void entry(ReportOut& o, bool& first, std::string_view file) {
  o << (first ? "\n{\"file\":" : ",\n{\"file\":") << file;
  first = false;
}

// One thread's formatting of JSON pieces; the first piece holds the first entry.
class JsonPieces : public FindingsPiece<JsonPieces> {
 public:
  using FindingsPiece::FindingsPiece;

  void file(std::size_t index, const lua::FileReport& report) {
    if (index == report_) return;
    report_ = index;
    file_.clear();
    jsonrpc::append_json_string(file_, report.path);
  }

  void not_checked(const lua::FileReport& report) {
    ReportOut& o = *out_;
    entry(o, first_, file_);
    o << ",\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}"
         "}"
         ",\"severity\":\"error\",\"code\":\""
      << kNotCheckedCode << "\",\"message\":";
    o.json_string(not_checked_reason(report));
    o << '}';
  }

  void diagnostic(const lua::FileReport& report, const lua::ReportedDiagnostic& r) {
    const lua::Diagnostic& d = r.diagnostic;
    const std::string_view message = lua::message(report, r, scratch_);
    const std::string_view severity = lua::severity_name(d.severity);
    const std::string_view code = lua::code_name(d.code);
    // The entry through one room(): a report can have a million of them.
    ReportBuffer& b = out_->buffer();
    RoomWriter w{b.room(kFixedRoom + file_.size() + severity.size() + code.size() +
                        jsonrpc::json_string_room(message.size()))};
    w << (first_ ? "\n{\"file\":" : ",\n{\"file\":") << file_
      << ",\"range\":{\"start\":{\"line\":" << std::uint64_t{d.start.line - 1}
      << ",\"character\":" << std::uint64_t{r.start_utf16}
      << "},\"end\":{\"line\":" << std::uint64_t{d.end.line - 1}
      << ",\"character\":" << std::uint64_t{r.end_utf16} << "}},\"severity\":\"" << severity
      << "\",\"code\":\"" << code << "\",\"message\":";
    w.json_string(message);
    w << '}';
    b.commit(w.p);
    first_ = false;
  }

 private:
  // The literal text of an entry (about 100 bytes) and four numbers of at most 20 digits.
  static constexpr std::size_t kFixedRoom = 256;

  std::size_t report_ = SIZE_MAX;  // the report file_ is for
  std::string file_;               // its path as a JSON string, escaped once per file
  std::string scratch_;            // a message built for printing (lua::message)
};

}  // namespace

void write_json(std::FILE* out, std::span<const lua::FileReport> reports,
                const ReportLayout& layout) {
  const ReportPlan plan = cut_into_pieces(reports, layout.piece_items);
  std::fputc('[', out);
  write_pieces(out, plan.pieces(), layout.threads,
               [&] { return PieceFormatter(JsonPieces(reports, plan)); });
  std::fputs(plan.findings == 0 ? "]\n" : "\n]\n", out);
}

}  // namespace moonring::app
