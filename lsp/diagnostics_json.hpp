// The service's diagnostics as LSP JSON: publishDiagnostics params, and the full reports of
// textDocument/diagnostic and workspace/diagnostic.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/service/types.hpp"
#include "workspace/documents/position.hpp"

namespace moonring::lsp {

// The URI of a path as the client knows it (its open document's, else a file: URI).
using UriOf = std::function<std::string(const std::string& path)>;

// What the client takes: columns in `encoding` (UTF-8 or UTF-16), and relatedInformation only
// when it declares support for it.
struct DiagnosticsFormat {
  workspace::PositionEncoding encoding = workspace::PositionEncoding::utf16;
  bool related = false;
};

// [Diagnostic, ...] of the file at `uri` (a related location without a path is in that file).
void append_diagnostics(std::string& out, const std::vector<service::Diagnostic>& diagnostics,
                        std::string_view uri, const DiagnosticsFormat& format, const UriOf& uri_of);
// {"uri":...,"version":...,"diagnostics":[...]}
std::string publish_params(const service::FileDiagnostics& file, std::string_view uri,
                           const DiagnosticsFormat& format, const UriOf& uri_of);
// {"kind":"full","items":[...]} (textDocument/diagnostic's result)
std::string full_report(const service::FileDiagnostics& file, const DiagnosticsFormat& format,
                        const UriOf& uri_of);
// {"items":[{"kind":"full","uri":...,"version":...,"items":[...]}, ...]}
std::string workspace_report(const std::vector<service::FileDiagnostics>& files,
                             const DiagnosticsFormat& format, const UriOf& uri_of);

}  // namespace moonring::lsp
