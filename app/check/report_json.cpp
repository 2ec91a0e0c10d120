// `moonring check --format json`: one array of {file, range, severity, code, message}, with
// 0-based lines and UTF-16 characters as LSP positions have them, one diagnostic a line. A file
// not checked is an error with the code `file-not-checked` at 0:0.
#include "app/check/report.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::app {

namespace {

void position(ReportOut& o, std::uint32_t line, std::uint32_t character) {
  o << "{\"line\":" << std::uint64_t{line - 1} << ",\"character\":" << std::uint64_t{character}
    << '}';
}

// `file` already a JSON string.
void entry(ReportOut& o, bool& first, std::string_view file) {
  o << (first ? "\n{\"file\":" : ",\n{\"file\":") << file;
  first = false;
}

}  // namespace

void write_json(std::FILE* out, std::span<const lua::FileReport> reports) {
  ReportOut o(out);
  bool first = true;
  o << '[';
  std::string file;     // the report's path as a JSON string, escaped once per file
  std::string scratch;  // a message built for printing (lua::message)
  for (const lua::FileReport& report : reports) {
    if (!report.load_error && report.diagnostic_count() == 0) continue;
    file.clear();
    jsonrpc::append_json_string(file, report.path);
    if (report.load_error) {
      entry(o, first, file);
      o << ",\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}"
           "}"
           ",\"severity\":\"error\",\"code\":\""
        << kNotCheckedCode << "\",\"message\":";
      o.json_string(not_checked_reason(report));
      o << '}';
      continue;
    }
    lua::for_each_diagnostic(report, [&](const lua::ReportedDiagnostic& r) {
      const lua::Diagnostic& d = r.diagnostic;
      entry(o, first, file);
      o << ",\"range\":{\"start\":";
      position(o, d.start.line, r.start_utf16);
      o << ",\"end\":";
      position(o, d.end.line, r.end_utf16);
      o << "},\"severity\":\"" << lua::severity_name(d.severity) << "\",\"code\":\""
        << lua::code_name(d.code) << "\",\"message\":";
      o.json_string(lua::message(report, r, scratch));
      o << '}';
    });
  }
  o << (first ? "]\n" : "\n]\n");
}

}  // namespace moonring::app
