// `moonring check --format json`: one array of {file, range, severity, code, message}, with
// 0-based lines and UTF-16 characters as LSP positions have them.
#include <nlohmann/json.hpp>

#include "app/check/report.hpp"

namespace moonring::app {

namespace {
nlohmann::json position(std::uint32_t line, std::uint32_t character) {
  return {{"line", line - 1}, {"character", character}};
}
}  // namespace

void write_json(std::FILE* out, std::span<const lua::FileReport> reports) {
  nlohmann::json all = nlohmann::json::array();
  for (const lua::FileReport& report : reports) {
    for (const lua::ReportedDiagnostic& r : report.diagnostics) {
      const lua::Diagnostic& d = r.diagnostic;
      all.push_back({
          {"file", report.path},
          {"range",
           {{"start", position(d.start.line, r.start_utf16)},
            {"end", position(d.end.line, r.end_utf16)}}},
          {"severity", lua::severity_name(d.severity)},
          {"code", lua::code_name(d.code)},
          {"message", d.message},
      });
    }
  }
  // Replace invalid UTF-8 (a message quoting a broken file) rather than fail the whole report.
  const std::string text = all.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fputc('\n', out);
}

}  // namespace moonring::app
