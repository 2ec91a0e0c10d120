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

// [Diagnostic, ...] with columns in `encoding` (UTF-8 or UTF-16).
void append_diagnostics(std::string& out, const std::vector<service::Diagnostic>& diagnostics,
                        workspace::PositionEncoding encoding, const UriOf& uri_of);
// {"uri":...,"version":...,"diagnostics":[...]}
std::string publish_params(const service::FileDiagnostics& file, std::string_view uri,
                           workspace::PositionEncoding encoding, const UriOf& uri_of);
// {"kind":"full","items":[...]} (textDocument/diagnostic's result)
std::string full_report(const service::FileDiagnostics& file, workspace::PositionEncoding encoding,
                        const UriOf& uri_of);
// {"items":[{"kind":"full","uri":...,"version":...,"items":[...]}, ...]}
std::string workspace_report(const std::vector<service::FileDiagnostics>& files,
                             workspace::PositionEncoding encoding, const UriOf& uri_of);

}  // namespace moonring::lsp
