// Reading the client's folders and capabilities (see client.hpp).
#include "lsp/client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "workspace/documents/file_uri.hpp"

namespace moonring::lsp {
namespace {

using nlohmann::json;

bool flag(const json& j, std::initializer_list<const char*> path) {
  const json* at = &j;
  for (const char* key : path) {
    if (!at->is_object()) return false;
    auto it = at->find(key);
    if (it == at->end()) return false;
    at = &*it;
  }
  return at->is_boolean() && at->get<bool>();
}

// The local path of a workspace folder's URI; nullopt for another scheme.
std::optional<std::string> folder_path(const json& uri) {
  if (!uri.is_string()) return std::nullopt;
  auto path = workspace::file_uri_to_path(uri.get<std::string>());
  if (path && path->size() > 1 && path->back() == '/') path->pop_back();
  return path;
}

std::vector<std::string> folder_paths(const json& folders) {
  std::vector<std::string> out;
  if (!folders.is_array()) return out;
  for (const json& f : folders) {
    if (!f.is_object()) continue;
    auto uri = f.find("uri");
    if (uri == f.end()) continue;
    if (auto path = folder_path(*uri)) out.push_back(std::move(*path));
  }
  return out;
}

// workspace.workspaceEdit.resourceOperations names "create".
bool creates_files(const json& caps) {
  const json* at = &caps;
  for (const char* key : {"workspace", "workspaceEdit", "resourceOperations"}) {
    if (!at->is_object() || !at->contains(key)) return false;
    at = &(*at)[key];
  }
  if (!at->is_array()) return false;
  return std::find(at->begin(), at->end(), json("create")) != at->end();
}

}  // namespace

ClientDecode decode_client(std::string_view params_json) {
  ClientDecode out;
  json params = json::parse(params_json, nullptr, false);
  if (!params.is_object()) {
    out.error = jsonrpc::ErrorObject{
        jsonrpc::code::invalid_params, "initialize: params must be an object", {}};
    return out;
  }
  ClientInfo& c = out.client;
  if (auto f = params.find("workspaceFolders"); f != params.end() && !f->is_null()) {
    if (!f->is_array()) {
      out.error = jsonrpc::ErrorObject{jsonrpc::code::invalid_params,
                                       "initialize: 'workspaceFolders' must be an array or null",
                                       {}};
      return out;
    }
    c.folders = folder_paths(*f);
  } else if (auto root = params.find("rootUri"); root != params.end() && !root->is_null()) {
    if (auto path = folder_path(*root)) c.folders.push_back(std::move(*path));
  } else if (auto p = params.find("rootPath"); p != params.end() && p->is_string()) {
    c.folders.push_back(p->get<std::string>());
  }
  const json caps = params.contains("capabilities") ? params["capabilities"] : json::object();
  c.configuration = flag(caps, {"workspace", "configuration"});
  c.watched_files_registration =
      flag(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
  c.work_done_progress = flag(caps, {"window", "workDoneProgress"});
  c.snippets = flag(caps, {"textDocument", "completion", "completionItem", "snippetSupport"});
  c.document_changes = flag(caps, {"workspace", "workspaceEdit", "documentChanges"});
  c.create_files = c.document_changes && creates_files(caps);
  c.related_information =
      flag(caps, {"textDocument", "publishDiagnostics", "relatedInformation"}) ||
      flag(caps, {"textDocument", "diagnostic", "relatedInformation"});
  return out;
}

std::optional<FolderChange> decode_folder_change(std::string_view params_json) {
  json params = json::parse(params_json, nullptr, false);
  if (!params.is_object()) return std::nullopt;
  auto event = params.find("event");
  if (event == params.end() || !event->is_object()) return std::nullopt;
  FolderChange out;
  if (auto a = event->find("added"); a != event->end()) out.added = folder_paths(*a);
  if (auto r = event->find("removed"); r != event->end()) out.removed = folder_paths(*r);
  return out;
}

}  // namespace moonring::lsp
