// What the client told the server in `initialize` beyond the lifecycle's fields: its workspace
// folders and the capabilities the server's features depend on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/jsonrpc/message.hpp"

namespace moonring::lsp {

struct ClientInfo {
  std::vector<std::string> folders;         // absolute paths of the workspace folders (or the root)
  bool configuration = false;               // workspace/configuration
  bool watched_files_registration = false;  // didChangeWatchedFiles dynamic registration
  bool work_done_progress = false;          // window/workDoneProgress/create
  bool snippets = false;                    // completion items in snippet syntax
  bool related_information = false;         // diagnostics' relatedInformation
  bool document_changes = false;            // WorkspaceEdit.documentChanges
  bool create_files = false;                // ... with CreateFile among them
};

// From initialize's raw params: the folders (workspaceFolders, else rootUri, else rootPath),
// the capabilities. Malformed parts the lifecycle decoder let through are -32602 naming them.
struct ClientDecode {
  ClientInfo client;
  std::optional<jsonrpc::ErrorObject> error;
};
ClientDecode decode_client(std::string_view params_json);

// The folders of a workspace/didChangeWorkspaceFolders event: {added, removed} paths.
struct FolderChange {
  std::vector<std::string> added;
  std::vector<std::string> removed;
};
std::optional<FolderChange> decode_folder_change(std::string_view params_json);

}  // namespace moonring::lsp
