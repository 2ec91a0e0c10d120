// The language features of the server: document sync into the workspace's DocumentStore,
// workspace folders, watched files and configuration, pushed and pulled diagnostics, load
// progress, all answered through a service::LanguageService. lsp/ only translates: positions
// and URIs in, service values out as LSP JSON.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/service/language_service.hpp"
#include "lsp/client.hpp"
#include "lsp/diagnostics_json.hpp"
#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/lsp/position.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"
#include "runtime/spawn.hpp"
#include "workspace/documents/store.hpp"

namespace moonring::lsp {

using ServiceFactory =
    std::function<std::unique_ptr<service::LanguageService>(service::Sinks sinks)>;

class Language {
 public:
  Language(jsonrpc::Endpoint& endpoint, const ServiceFactory& make_service);
  Language(const Language&) = delete;
  Language& operator=(const Language&) = delete;

  // From initialize: what the client offers, and the encoding its positions are in.
  void initialize(ClientInfo client, workspace::PositionEncoding encoding);
  // The capabilities of what works, as JSON members (",\"textDocumentSync\":..."), appended.
  void append_capabilities(std::string& out) const;
  // Once the session is over: the background load stopped and the service ended.
  Task<void> finish();

 private:
  Task<void> start();  // configuration, watcher registration, progress, the workspace load
  // Watching the disk ourselves (disk_watch.cpp), for a client that does not report changes
  // (no didChangeWatchedFiles registration): inotify through the runtime on the folders.
  Task<bool> register_watchers();  // the client's watchers; false when it cannot or refused
  void start_disk_watch();         // on folders_, when the client does not watch
  Task<void> stop_disk_watch();
  Task<void> watch_disk(std::vector<std::string> roots);
  Task<void> change_folders(std::vector<std::string> folders);
  Task<void> apply_client_configuration();
  // Sinks::handled: a request the client answers once it has handled what came before it.
  Task<void> handled();
  Task<void> configure(std::string settings_json);  // errors go to the user
  // Notifications update the documents at once and queue the service's part (enqueue): the
  // reading loop awaits notification handlers, so one that waited for the service (or for the
  // client's answer to a request of ours) would hold up every request behind it.
  void did_open(const jsonrpc::Message& m);
  void did_change(const jsonrpc::Message& m);
  void did_close(const jsonrpc::Message& m);
  void did_change_watched_files(const jsonrpc::Message& m);
  void did_change_configuration(const jsonrpc::Message& m);
  void did_change_folders(const jsonrpc::Message& m);
  // Runs `work` after the work queued before it, in a task of its own.
  void enqueue(std::function<Task<void>()> work);
  Task<void> drain();
  // Once the work queued before the call is done: an answer then reads the documents as the
  // client sent them before asking (didOpen/didChange reach the service through the queue).
  Task<void> caught_up();
  Task<jsonrpc::Reply> document_diagnostic(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> workspace_diagnostic(const jsonrpc::Message& m);
  // The queries (queries.cpp, completion.cpp): each resolves its position in the open document,
  // or in the file read from disk when it is not open, and answers from the service.
  void route_queries(jsonrpc::Endpoint& endpoint);
  void append_query_capabilities(std::string& out) const;
  Task<jsonrpc::Reply> hover(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> definition(const jsonrpc::Message& m, bool declaration);
  Task<jsonrpc::Reply> references(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> highlight(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> prepare_rename(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> rename(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> completion(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> resolve_completion(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> signature_help(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> document_symbols(const jsonrpc::Message& m);
  // The views (views.cpp).
  void route_views(jsonrpc::Endpoint& endpoint);
  void append_view_capabilities(std::string& out) const;
  Task<jsonrpc::Reply> workspace_symbols(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> folding(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> selection(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> links(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> inlay_hints(const jsonrpc::Message& m);
  Task<jsonrpc::Reply> code_actions(const jsonrpc::Message& m);
  enum class TokensRequest : std::uint8_t { full, delta, range };
  Task<jsonrpc::Reply> semantic_tokens(const jsonrpc::Message& m, TokensRequest kind);
  // The document and byte offset a position request is about, or the error to answer. Reads
  // `m` only before its first suspension.
  struct At {
    service::At at;
    std::string uri;
    std::optional<jsonrpc::ErrorObject> error;
  };
  Task<At> locate(const jsonrpc::Message& m);
  // The same for a URI and a position already decoded (nullopt: the whole document, offset 0).
  Task<At> locate(std::string uri, std::optional<Position> position);
  // A WorkspaceEdit of `edits` (views.cpp) in the form the client takes; "" when it needs a
  // file made and the client cannot make files.
  std::string workspace_edit(const At& at, const std::vector<service::TextEdit>& edits) const;
  // Whether the document a reply was computed on is still the editor's.
  bool unchanged(const At& at) const;
  // A located request answered (queries.cpp): `ask(service::At)` queries the service and
  // `write(value&)` makes the reply of its value; a locating error, a document changed meanwhile
  // (-32801), a refusal or a cancellation are answered here.
  template <typename Ask, typename Write>
  Task<jsonrpc::Reply> answer(At at, Ask ask, Write write);
  void append_span(std::string& out, const service::Span& span) const;
  // A client's range as bytes of the document; nullopt when it is outside.
  std::optional<service::ByteRange> byte_range(const At& at, const Range& range) const;
  // A place's column in the negotiated encoding.
  std::uint32_t column(const service::Place& place) const;
  void append_locations(std::string& out, const std::vector<service::Location>& found) const;

  // -32800 for a cancelled query, -32803 (RequestFailed) with the service's message otherwise.
  static jsonrpc::Reply failed(const Error& error);
  void log(service::Sinks::Level level, const std::string& message);
  void publish(const service::FileDiagnostics& file);
  DiagnosticsFormat diagnostics_format() const;
  void progress(std::size_t done, std::size_t total);
  // The service's key for a document URI: its local path, or the URI itself (untitled:).
  static std::string path_of(std::string_view uri);
  std::string uri_of(const std::string& path) const;

  jsonrpc::Endpoint& endpoint_;
  std::unique_ptr<service::LanguageService> service_;
  workspace::DocumentStore store_;
  ClientInfo client_;
  std::vector<std::string> folders_;
  bool progress_open_ = false;
  bool paced_by_answers_ = true;  // until the client fails to answer handled()'s request
  CancellationSource stop_;       // cancels start() and the queue when the session is over
  std::optional<JoinHandle<void>> started_;
  std::deque<std::function<Task<void>()>> queue_;
  // The last full semantic tokens of each document, for a delta against them.
  struct TokensResult {
    std::string id;
    std::vector<std::uint32_t> data;
  };
  std::map<std::string, TokensResult> tokens_;
  std::uint64_t tokens_results_ = 0;
  std::optional<JoinHandle<void>> draining_;  // while the queue is worked through
  std::uint64_t queued_ = 0;                  // work items ever enqueued
  std::uint64_t worked_ = 0;                  // of those, done (or dropped at finish)
  Event progressed_;                          // set each time worked_ grows
  bool disk_watched_ = false;                 // the server watches the disk (the client does not)
  std::unique_ptr<CancellationSource> disk_watch_stop_;
  std::optional<JoinHandle<void>> disk_watch_;
};

}  // namespace moonring::lsp
