// Diagnostics written as LSP JSON (see diagnostics_json.hpp).
#include "lsp/diagnostics_json.hpp"

#include "protocol/jsonrpc/message.hpp"
#include "protocol/lsp/position.hpp"

namespace moonring::lsp {
namespace {

Position position(const service::Place& p, workspace::PositionEncoding encoding) {
  return {p.line, encoding == workspace::PositionEncoding::utf8 ? p.utf8 : p.utf16};
}

void append_span(std::string& out, const service::Span& span,
                 workspace::PositionEncoding encoding) {
  append_range(out, Range{position(span.start, encoding), position(span.end, encoding)});
}

void append_version(std::string& out, const std::optional<std::int64_t>& version) {
  out += ",\"version\":";
  if (version)
    out += std::to_string(*version);
  else
    out += "null";
}

}  // namespace

void append_diagnostics(std::string& out, const std::vector<service::Diagnostic>& diagnostics,
                        std::string_view uri, const DiagnosticsFormat& format,
                        const UriOf& uri_of) {
  const workspace::PositionEncoding encoding = format.encoding;
  out += '[';
  bool first = true;
  for (const service::Diagnostic& d : diagnostics) {
    if (!first) out += ',';
    first = false;
    out += "{\"range\":";
    append_span(out, d.span, encoding);
    out += ",\"severity\":";
    out += std::to_string(static_cast<int>(d.severity));
    out += ",\"code\":";
    jsonrpc::append_json_string(out, d.code);
    out += ",\"source\":";
    jsonrpc::append_json_string(out, d.source);
    out += ",\"message\":";
    jsonrpc::append_json_string(out, d.message);
    if (!d.tags.empty()) {
      out += ",\"tags\":[";
      for (std::size_t i = 0; i < d.tags.size(); ++i) {
        if (i != 0) out += ',';
        out += std::to_string(static_cast<int>(d.tags[i]));
      }
      out += ']';
    }
    if (format.related && !d.related.empty()) {
      out += ",\"relatedInformation\":[";
      for (std::size_t i = 0; i < d.related.size(); ++i) {
        const service::RelatedInformation& r = d.related[i];
        if (i != 0) out += ',';
        out += "{\"location\":{\"uri\":";
        if (r.location.path.empty())
          jsonrpc::append_json_string(out, uri);
        else
          jsonrpc::append_json_string(out, uri_of(r.location.path));
        out += ",\"range\":";
        append_span(out, r.location.span, encoding);
        out += "},\"message\":";
        jsonrpc::append_json_string(out, r.message);
        out += '}';
      }
      out += ']';
    }
    out += '}';
  }
  out += ']';
}

std::string publish_params(const service::FileDiagnostics& file, std::string_view uri,
                           const DiagnosticsFormat& format, const UriOf& uri_of) {
  std::string out = "{\"uri\":";
  jsonrpc::append_json_string(out, uri);
  if (file.version) append_version(out, file.version);
  out += ",\"diagnostics\":";
  append_diagnostics(out, file.diagnostics, uri, format, uri_of);
  out += '}';
  return out;
}

std::string full_report(const service::FileDiagnostics& file, const DiagnosticsFormat& format,
                        const UriOf& uri_of) {
  std::string out = "{\"kind\":\"full\",\"items\":";
  append_diagnostics(out, file.diagnostics, uri_of(file.path), format, uri_of);
  out += '}';
  return out;
}

std::string workspace_report(const std::vector<service::FileDiagnostics>& files,
                             const DiagnosticsFormat& format, const UriOf& uri_of) {
  std::string out = "{\"items\":[";
  bool first = true;
  for (const service::FileDiagnostics& f : files) {
    if (!first) out += ',';
    first = false;
    const std::string uri = uri_of(f.path);
    out += "{\"kind\":\"full\",\"uri\":";
    jsonrpc::append_json_string(out, uri);
    append_version(out, f.version);
    out += ",\"items\":";
    append_diagnostics(out, f.diagnostics, uri, format, uri_of);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace moonring::lsp
