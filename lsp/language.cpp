// The server's language features (see language.hpp).
#include "lsp/language.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>

#include "lsp/diagnostics_json.hpp"
#include "protocol/jsonrpc/message.hpp"

#include "runtime/core.hpp"
#include "runtime/io_op.hpp"
#include "runtime/timer.hpp"
#include "workspace/documents/file_uri.hpp"

namespace moonring::lsp {
namespace {

using jsonrpc::Reply;
using nlohmann::json;
constexpr auto kClientLimit = std::chrono::seconds(10);
constexpr auto kPaceLimit = std::chrono::seconds(2);  // handled(): a client that is this slow is
                                                      // not answering
constexpr const char* kProgressToken = "moonring/load";

// Once the endpoint's writer has taken everything queued (Sinks::written). Polled: the wire
// says when it has output, not when it has none, and this runs only between batches of a load's
// diagnostics.
Task<void> written(jsonrpc::Endpoint& endpoint) {
  while (endpoint.unsent_bytes() != 0 && !current_token().cancelled())
    co_await sleep(std::chrono::microseconds(250));
}

// workspace/configuration's params: the one section the service reads.
std::string configuration_params(std::string_view section) {
  std::string params = "{\"items\":[{\"section\":";
  jsonrpc::append_json_string(params, section);
  params += "}]}";
  return params;
}

// `task` under `token` as its ambient cancellation token.
Task<void> run_under(CancellationToken token, Task<void> task) {
  detail::AmbientTokenScope scope(token);
  co_await std::move(task);
}

const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const std::string* string_member(const json& j, const char* key) {
  const json* m = member(j, key);
  return m && m->is_string() ? m->get_ptr<const std::string*>() : nullptr;
}

std::optional<std::int64_t> integer_member(const json& j, const char* key) {
  const json* m = member(j, key);
  if (!m || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int64_t>();
}

// An LSP uinteger that fits the documents' 32-bit positions.
std::optional<std::uint32_t> position_number(const json& j, const char* key) {
  auto n = integer_member(j, key);
  if (!n || *n < 0 || *n > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

std::optional<workspace::Position> position(const json& j) {
  auto line = position_number(j, "line");
  auto character = position_number(j, "character");
  if (!line || !character) return std::nullopt;
  return workspace::Position{*line, *character};
}

std::optional<workspace::Range> range(const json& j) {
  const json* start = member(j, "start");
  const json* end = member(j, "end");
  if (!start || !end) return std::nullopt;
  auto s = position(*start);
  auto e = position(*end);
  if (!s || !e) return std::nullopt;
  return workspace::Range{*s, *e};
}

// textDocument.uri of a notification's or request's params.
const std::string* document_uri(const json& params) {
  const json* doc = member(params, "textDocument");
  return doc ? string_member(*doc, "uri") : nullptr;
}

int level_type(service::Sinks::Level level) {
  return static_cast<int>(level);
}

}  // namespace

Language::Language(jsonrpc::Endpoint& endpoint, const ServiceFactory& make_service)
    : endpoint_(endpoint) {
  service::Sinks sinks;
  sinks.diagnostics = [this](service::FileDiagnostics f) { publish(f); };
  sinks.progress = [this](std::size_t done, std::size_t total) { progress(done, total); };
  sinks.message = [this](service::Sinks::Level level, std::string text) { log(level, text); };
  sinks.written = [this] { return written(endpoint_); };
  sinks.handled = [this] { return run_under(stop_.token(), handled()); };
  sinks.unsent = [this] { return endpoint_.unsent_bytes(); };
  service_ = make_service(std::move(sinks));

  endpoint.on_notification_inline("initialized", [this](const jsonrpc::Message&) {
    if (!started_) started_.emplace(spawn(run_under(stop_.token(), start())));
  });
  endpoint.on_notification_inline("textDocument/didOpen",
                                  [this](const jsonrpc::Message& m) { did_open(m); });
  endpoint.on_notification_inline("textDocument/didChange",
                                  [this](const jsonrpc::Message& m) { did_change(m); });
  endpoint.on_notification_inline("textDocument/didClose",
                                  [this](const jsonrpc::Message& m) { did_close(m); });
  endpoint.on_notification_inline("textDocument/didSave", [](const jsonrpc::Message&) {
    // the document already follows the editor
  });
  endpoint.on_notification_inline(
      "workspace/didChangeWatchedFiles",
      [this](const jsonrpc::Message& m) { did_change_watched_files(m); });
  endpoint.on_notification_inline(
      "workspace/didChangeConfiguration",
      [this](const jsonrpc::Message& m) { did_change_configuration(m); });
  endpoint.on_notification_inline("workspace/didChangeWorkspaceFolders",
                                  [this](const jsonrpc::Message& m) { did_change_folders(m); });
  endpoint.on_request("textDocument/diagnostic",
                      [this](const jsonrpc::Message& m) { return document_diagnostic(m); });
  endpoint.on_request("workspace/diagnostic",
                      [this](const jsonrpc::Message& m) { return workspace_diagnostic(m); });
  route_queries(endpoint);
  route_views(endpoint);
}

void Language::initialize(ClientInfo client, workspace::PositionEncoding encoding) {
  client_ = std::move(client);
  folders_ = client_.folders;
  store_.set_encoding(encoding);
}

void Language::append_capabilities(std::string& out) const {
  out +=
      ",\"textDocumentSync\":{\"openClose\":true,\"change\":2}"
      ",\"diagnosticProvider\":{\"identifier\":\"moonring\",\"interFileDependencies\":true,"
      "\"workspaceDiagnostics\":true}"
      ",\"workspace\":{\"workspaceFolders\":{\"supported\":true,\"changeNotifications\":true}}";
  append_query_capabilities(out);
  append_view_capabilities(out);
}

Task<void> Language::finish() {
  stop_.cancel();
  if (disk_watch_stop_) disk_watch_stop_->cancel();
  queue_.clear();
  worked_ = queued_;  // nothing left to wait for
  progressed_.set();
  // The runtime is stopping (a signal; --clientProcessId ends the session first, app/serve.cpp):
  // the other cores take no more messages, so nothing that needs them can be awaited.
  if (Core::current()->stopping()) co_return;
  if (started_) {
    co_await std::move(*started_);
    started_.reset();
  }
  if (draining_) {
    co_await std::move(*draining_);
    draining_.reset();
  }
  co_await stop_disk_watch();
  co_await service_->stop();
}

void Language::enqueue(std::function<Task<void>()> work) {
  if (stop_.cancelled()) return;
  queue_.push_back(std::move(work));
  ++queued_;
  if (queue_.size() == 1 && !draining_) draining_.emplace(spawn(run_under(stop_.token(), drain())));
}

Task<void> Language::drain() {
  while (!queue_.empty() && !current_token().cancelled()) {
    std::function<Task<void>()> work = std::move(queue_.front());
    queue_.pop_front();
    co_await work();
    ++worked_;
    progressed_.set();
    progressed_.reset();  // the waiters are scheduled; each looks at worked_ again
  }
  draining_.reset();  // this task's own handle: nothing awaits it unless finish() took it
}

Task<void> Language::caught_up() {
  const std::uint64_t target = queued_;
  while (worked_ < target) {
    if (!co_await progressed_.wait() && current_token().cancelled()) co_return;
  }
}

void Language::log(service::Sinks::Level level, const std::string& message) {
  std::string params = "{\"type\":" + std::to_string(level_type(level)) + ",\"message\":";
  jsonrpc::append_json_string(params, message);
  params += '}';
  endpoint_.notify("window/logMessage", params);
}

std::string Language::path_of(std::string_view uri) {
  if (auto path = workspace::file_uri_to_path(uri)) return *path;
  return std::string(uri);
}

std::string Language::uri_of(const std::string& path) const {
  if (auto open = store_.get_by_path(path)) return open->uri;
  if (path.starts_with('/')) return workspace::path_to_file_uri(path);
  return path;  // a document the editor named by a URI of another scheme
}

DiagnosticsFormat Language::diagnostics_format() const {
  return {store_.encoding(), client_.related_information};
}

void Language::publish(const service::FileDiagnostics& file) {
  const UriOf uri_of = [this](const std::string& p) { return this->uri_of(p); };
  endpoint_.notify("textDocument/publishDiagnostics",
                   publish_params(file, uri_of(file.path), diagnostics_format(), uri_of));
}

void Language::progress(std::size_t done, std::size_t total) {
  if (!progress_open_) return;
  const std::size_t percent = total == 0 ? 0 : std::min<std::size_t>(100, done * 100 / total);
  endpoint_.progress(kProgressToken, "{\"kind\":\"report\",\"message\":\"" + std::to_string(done) +
                                         "/" + std::to_string(total) + " files\",\"percentage\":" +
                                         std::to_string(percent) + "}");
}

Task<void> Language::apply_client_configuration() {
  auto answer = co_await endpoint_.request(
      "workspace/configuration", configuration_params(service_->settings_section()), kClientLimit);
  if (!answer || answer->error) {
    log(service::Sinks::Level::warning,
        "workspace/configuration: " + (answer ? answer->error->message : answer.error().message()));
    co_return;
  }
  json result = json::parse(answer->result, nullptr, false);
  std::string section = "null";
  if (result.is_array() && !result.empty()) section = result[0].dump();
  co_await configure(std::move(section));
}

// The client answers a request after it has handled every message ahead of it (vscode-jsonrpc
// handles one per event-loop turn; Neovim in order too). workspace/configuration is the request
// every client we target answers, from memory; its answer is not applied (a change of settings
// comes as didChangeConfiguration). A client that does not answer in time or refuses is paced by
// the wire from then on.
Task<void> Language::handled() {
  if (client_.configuration && paced_by_answers_) {
    auto answer = co_await endpoint_.request(
        "workspace/configuration", configuration_params(service_->settings_section()), kPaceLimit);
    if (answer && !answer->error) co_return;
    if (current_token().cancelled()) co_return;
    paced_by_answers_ = false;
    log(service::Sinks::Level::log,
        "diagnostics paced by the wire from now on: workspace/configuration: " +
            (answer ? answer->error->message : answer.error().message()));
  }
  co_await written(endpoint_);
}

Task<void> Language::start() {
  if (client_.configuration) co_await apply_client_configuration();
  if (!co_await register_watchers()) start_disk_watch();
  if (client_.work_done_progress) {
    if (auto created = co_await endpoint_.create_progress(kProgressToken); created) {
      progress_open_ = true;
      endpoint_.progress(kProgressToken,
                         "{\"kind\":\"begin\",\"title\":\"moonring\",\"message\":\"loading the "
                         "workspace\",\"percentage\":0,\"cancellable\":false}");
    }
  }
  co_await service_->load(folders_);
  if (progress_open_) {
    progress_open_ = false;
    endpoint_.progress(kProgressToken, "{\"kind\":\"end\",\"message\":\"workspace analysed\"}");
  }
}

void Language::did_open(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const json* doc = member(params, "textDocument");
  const std::string* uri = doc ? string_member(*doc, "uri") : nullptr;
  const std::string* text = doc ? string_member(*doc, "text") : nullptr;
  const std::string* language = doc ? string_member(*doc, "languageId") : nullptr;
  auto version = doc ? integer_member(*doc, "version") : std::nullopt;
  if (!uri || !text || !version) {
    log(service::Sinks::Level::error,
        "textDocument/didOpen: params need textDocument.uri, .text and .version");
    return;
  }
  auto opened = store_.open(*uri, language ? *language : std::string(), *version, *text);
  if (!opened) {
    log(service::Sinks::Level::error, "textDocument/didOpen: " + opened.error().message());
    return;
  }
  enqueue(
      [this, path = path_of(*uri), document = *opened] { return service_->open(path, document); });
}

void Language::did_change(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const std::string* uri = document_uri(params);
  const json* doc = member(params, "textDocument");
  auto version = doc ? integer_member(*doc, "version") : std::nullopt;
  const json* changes = member(params, "contentChanges");
  if (!uri || !version || !changes || !changes->is_array()) {
    log(service::Sinks::Level::error,
        "textDocument/didChange: params need textDocument.uri, .version and contentChanges");
    return;
  }
  std::vector<workspace::ContentChange> edits;
  edits.reserve(changes->size());
  for (const json& c : *changes) {
    const std::string* text = string_member(c, "text");
    if (!text) {
      log(service::Sinks::Level::error, "textDocument/didChange: a change without text");
      return;
    }
    workspace::ContentChange edit;
    edit.text = *text;
    if (const json* r = member(c, "range")) {
      edit.range = range(*r);
      if (!edit.range) {
        log(service::Sinks::Level::error, "textDocument/didChange: a malformed range");
        return;
      }
    }
    edits.push_back(edit);
  }
  auto changed = store_.change(*uri, *version, edits);
  if (!changed) {
    log(service::Sinks::Level::error, "textDocument/didChange: " + changed.error().message());
    return;
  }
  enqueue([this, path = path_of(*uri), document = *changed] {
    return service_->change(path, document);
  });
}

void Language::did_close(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const std::string* uri = document_uri(params);
  if (!uri) {
    log(service::Sinks::Level::error, "textDocument/didClose: params need textDocument.uri");
    return;
  }
  if (auto closed = store_.close(*uri); !closed) {
    log(service::Sinks::Level::error, "textDocument/didClose: " + closed.error().message());
    return;
  }
  tokens_.erase(*uri);
  enqueue([this, path = path_of(*uri)] { return service_->close(path); });
}

void Language::did_change_watched_files(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const json* changes = member(params, "changes");
  if (!changes || !changes->is_array()) {
    log(service::Sinks::Level::error, "workspace/didChangeWatchedFiles: params need changes");
    return;
  }
  std::vector<std::string> changed;
  std::vector<std::string> deleted;
  for (const json& c : *changes) {
    const std::string* uri = string_member(c, "uri");
    auto type = integer_member(c, "type");
    if (!uri || !type) continue;
    auto path = workspace::file_uri_to_path(*uri);
    if (!path) continue;
    (*type == 3 ? deleted : changed).push_back(std::move(*path));
  }
  enqueue([this, changed = std::move(changed), deleted = std::move(deleted)] {
    return service_->files_changed(changed, deleted);
  });
}

void Language::did_change_configuration(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const json* settings = member(params, "settings");
  const json* section =
      settings ? member(*settings, std::string(service_->settings_section()).c_str()) : nullptr;
  if (section) {
    enqueue([this, text = section->dump()]() -> Task<void> { return configure(text); });
  } else if (client_.configuration) {
    // The client pulls settings (VS Code sends an empty notification): ask for the new ones.
    enqueue([this] { return apply_client_configuration(); });
  }
}

Task<void> Language::configure(std::string settings_json) {
  auto applied = co_await service_->configure(settings_json);
  if (!applied) log(service::Sinks::Level::error, applied.error().message());
}

void Language::did_change_folders(const jsonrpc::Message& m) {
  auto change = decode_folder_change(m.params);
  if (!change) {
    log(service::Sinks::Level::error,
        "workspace/didChangeWorkspaceFolders: params need event.added and event.removed");
    return;
  }
  std::erase_if(folders_, [&](const std::string& f) {
    return std::find(change->removed.begin(), change->removed.end(), f) != change->removed.end();
  });
  for (std::string& f : change->added)
    if (std::find(folders_.begin(), folders_.end(), f) == folders_.end())
      folders_.push_back(std::move(f));
  enqueue([this, folders = folders_] { return change_folders(folders); });
}

Task<Reply> Language::document_diagnostic(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const std::string* uri = document_uri(params);
  if (!uri)
    co_return Reply::fail(jsonrpc::code::invalid_params,
                          "textDocument/diagnostic: missing required field 'textDocument.uri'");
  const std::string key = *uri;
  co_await caught_up();
  const workspace::SnapshotPtr before = store_.get(key);
  auto file = co_await service_->diagnostics(path_of(key), current_token());
  const workspace::SnapshotPtr after = store_.get(key);
  if (before != after || (before && after && before->version != after->version))
    co_return Reply::fail(jsonrpc::code::content_modified,
                          "the document changed while its diagnostics were computed");
  const UriOf uri_of = [this](const std::string& p) { return this->uri_of(p); };
  if (!file) co_return Reply::ok("{\"kind\":\"full\",\"items\":[]}");
  co_return Reply::ok(full_report(*file, diagnostics_format(), uri_of));
}

Task<Reply> Language::workspace_diagnostic(const jsonrpc::Message&) {
  co_await caught_up();
  auto files = co_await service_->all_diagnostics(current_token());
  const UriOf uri_of = [this](const std::string& p) { return this->uri_of(p); };
  co_return Reply::ok(workspace_report(files, diagnostics_format(), uri_of));
}

}  // namespace moonring::lsp
