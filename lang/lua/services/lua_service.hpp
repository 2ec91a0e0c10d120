// The LanguageService for Lua (lang/service/language_service.hpp). The workspace's files are
// sharded over the runtime's cores (Sharded<ServiceShard>): each core analyses the files it takes
// and keeps their summaries (file_summary.hpp); the service's own core keeps the open documents,
// how many files assign each global, and which core owns which file. An edit re-summarises its
// file and re-finishes only the files that read a global whose "assigned somewhere" status it
// flipped.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/lua/config/config.hpp"
#include "lang/lua/query/index.hpp"

#include "lang/lua/services/file_summary.hpp"
#include "lang/lua/services/recent_analyses.hpp"
#include "lang/lua/services/workspace_settings.hpp"
#include "lang/service/language_service.hpp"
#include "runtime/event.hpp"
#include "runtime/sharded.hpp"

namespace moonring::lua {

class SummaryCache;

// One core's share of the workspace.
struct ServiceShard {
  std::unordered_map<std::string, FileSummary> files;  // by absolute path
  // What a load analysed here since the service last collected it, gathered file by file so
  // that collecting is a move (a pass over 50,000 files would hold the core for a second):
  // the files, how many assign each global, and their query summaries.
  std::vector<std::string> loaded;
  std::unordered_map<std::string, std::uint32_t> loaded_counts;
  std::vector<std::pair<std::string, query::FileSummary>> fresh;
  // Diagnostics of files analysed since the last hand-over that no other file can change (no
  // candidate undefined-global reads): published while the load goes on, not after it.
  std::vector<service::FileDiagnostics> settled;
  // Loaded files whose diagnostics wait for the load's end: those that read globals, and
  // settled ones analysed while the client was behind.
  std::vector<std::string> unpublished;
};

class LuaService final : public service::LanguageService {
 public:
  explicit LuaService(service::Sinks sinks);
  ~LuaService() override;
  Task<void> stop() override;  // ends the shards

  std::string_view settings_section() const override { return "Lua"; }
  Task<void> load(std::vector<std::string> roots) override;
  Task<Result<void>> configure(std::string_view settings_json) override;
  Task<void> open(std::string path, workspace::SnapshotPtr document) override;
  Task<void> change(std::string path, workspace::SnapshotPtr document) override;
  Task<void> close(std::string path) override;
  Task<void> files_changed(std::vector<std::string> changed,
                           std::vector<std::string> deleted) override;
  Task<std::optional<service::FileDiagnostics>> diagnostics(std::string path,
                                                            CancellationToken cancel) override;
  Task<std::vector<service::FileDiagnostics>> all_diagnostics(CancellationToken cancel) override;
  // The queries (lua_service_queries.cpp).
  Task<Result<std::optional<service::Hover>>> hover(service::At at,
                                                    CancellationToken cancel) override;
  Task<Result<std::vector<service::Location>>> definition(service::At at,
                                                          CancellationToken cancel) override;
  Task<Result<std::vector<service::Location>>> declaration(service::At at,
                                                           CancellationToken cancel) override;
  Task<Result<std::vector<service::Location>>> references(service::At at, bool include_declaration,
                                                          CancellationToken cancel) override;
  Task<Result<std::vector<service::Occurrence>>> highlights(service::At at,
                                                            CancellationToken cancel) override;
  Task<Result<service::RenamePlace>> prepare_rename(service::At at,
                                                    CancellationToken cancel) override;
  Task<Result<std::vector<service::TextEdit>>> rename(service::At at, std::string new_name,
                                                      CancellationToken cancel) override;
  Task<Result<service::Completion>> completion(service::At at, CancellationToken cancel) override;
  Task<Result<std::optional<service::Signature>>> signature_help(service::At at,
                                                                 CancellationToken cancel) override;
  Task<Result<std::vector<service::OutlineSymbol>>> document_symbols(
      service::At at, CancellationToken cancel) override;
  // lua_service_views.cpp.
  Task<Result<std::vector<service::SymbolInfo>>> workspace_symbols(
      std::string query, CancellationToken cancel) override;
  Task<Result<std::vector<service::Fold>>> folding(service::At at,
                                                   CancellationToken cancel) override;
  Task<Result<std::vector<service::Span>>> selection(service::At at,
                                                     CancellationToken cancel) override;
  Task<Result<std::vector<service::Link>>> links(service::At at, CancellationToken cancel) override;
  Task<Result<std::vector<service::InlayHint>>> inlay_hints(service::At at,
                                                            service::ByteRange within,
                                                            CancellationToken cancel) override;
  Task<Result<std::vector<service::SemanticToken>>> semantic_tokens(
      service::At at, std::optional<service::ByteRange> within, CancellationToken cancel) override;
  service::TokenLegend token_legend() const override;
  Task<Result<std::vector<service::QuickFix>>> quick_fixes(
      service::At at, std::vector<service::FixableDiagnostic> diagnostics,
      CancellationToken cancel) override;
  bool has(service::Feature) const override { return true; }

  // Files known (analysed from disk), for tests and logs.
  std::size_t file_count() const { return owner_.size(); }
  // The core that keeps a disk file's summary, for tests; nullopt for a file not known.
  std::optional<unsigned> core_of(const std::string& path) const {
    auto it = owner_.find(path);
    return it == owner_.end() ? std::nullopt : std::optional<unsigned>(it->second);
  }
  // While the workspace loads, files larger than this are analysed on the other cores, never on
  // the service's own (when it has others): their analysis (about 0.5 ms per 32 KB in a Release
  // build) would hold up the requests about the open document.
  static constexpr std::uint64_t kInteractiveFileBytes = 32 * 1024;
  // Files a batch of the load's end publishes (handled()).
  static constexpr std::size_t kPublishBatch = 16;

 private:
  // The analysis a query runs on: the open document's when `document` is it, else the recent
  // analysis of that text (recent_analyses.hpp), or one made now.
  std::shared_ptr<const FileAnalysis> analysis_of(const service::At& at);
  // Spans of places in files: `at`'s document, open documents, else the file read from disk
  // (`texts` keeps what was read for the next place).
  // known_text answers without suspending when it can (`texts`, open documents); only a file
  // read from disk goes through text_of's co_await. A loop co_awaiting a task that completes at
  // once nests a frame per iteration when the compiler does not make symmetric transfer a tail
  // call (GCC 12 at -O0): references over hundreds of open files overflowed the core's stack.
  using Texts = std::unordered_map<std::string, workspace::SnapshotPtr>;
  std::optional<workspace::SnapshotPtr> known_text(const std::string& path, Texts& texts) const;
  Task<workspace::SnapshotPtr> text_of(const std::string& path, Texts& texts);
  Task<std::vector<service::Location>> locations(const service::At& at,
                                                 std::vector<query::Location> found,
                                                 CancellationToken cancel);

  struct Open {
    workspace::SnapshotPtr document;
    std::shared_ptr<const FileAnalysis> analysis;  // its tree, for queries
    FileSummary summary;
  };
  // The configuration files of every root, and the client's settings under .luarc.json's.
  Task<void> reload_settings();
  const WorkspaceCheckOptions& options_for(const std::string& path) const;
  // The globals `path` assigns as the workspace sees it now (its open document, or its
  // summary on its core).
  Task<std::vector<std::string>> assigned_by(const std::string& path);
  // Moves `path`'s assignments from `before` to `after`, collecting names whose status flipped.
  void recount(const std::vector<std::string>& before, const std::vector<std::string>& after,
               GlobalSet& flipped);
  // After flips: the files (not `except`) that read one of `flipped` get their diagnostics again.
  Task<void> republish(const GlobalSet& flipped, const std::string& except);
  // The file's diagnostics from its core (disk version), or nullopt when no core has it.
  Task<std::optional<std::vector<service::Diagnostic>>> finished_on_disk(const std::string& path);
  // The current set of assigned globals, rebuilt from counts_.
  void rebuild_assigned();
  void publish(std::string path, std::optional<std::int64_t> version,
               std::vector<service::Diagnostic> diagnostics);
  // Files whose diagnostics a load settled early (ServiceShard::settled), unless open now.
  void publish_settled(std::vector<service::FileDiagnostics> files);
  // The end of a load publishes the diagnostics left for it (ShardLoad::publish in
  // lua_service.cpp: files that read globals, settled ones held back) kPublishBatch at a time.
  // After each batch a round trip to the client starts (handled(), Sinks::handled), and the
  // batch after next waits for it: the client never holds more than two batches it has not
  // handled, so a reply queues behind those at most, and the client is never idle waiting for
  // the next one. Pacing by the wire alone (Sinks::written) let a vscode-jsonrpc client queue
  // 50,000 notifications on 1 GB, and a hover waited 1.3 s behind them; a fixed rate (16,000 a
  // second) made that load 8 s longer. Batches of 64, 32 and 16: busy hovers' p99 11, 7-10 and
  // 7 ms (bench/lsp BIG=1).
  Task<void> handled();
  unsigned owner_of(const std::string& path);
  bool in_workspace(const std::string& path) const;
  Task<void> refresh_disk_file(const std::string& path);
  Task<void> forget_disk_file(const std::string& path);
  Task<void> reanalyse_open();
  Task<void> save_cache(SummaryCache& cache);  // summary_cache.hpp: the persistent index

  service::Sinks sinks_;
  std::vector<std::string> roots_;
  config::Settings client_;      // the client's settings section, over the files' layers
  std::string client_settings_;  // as sent: part of the persistent index's key
  std::shared_ptr<WorkspaceSettings> settings_;
  Sharded<ServiceShard> shards_;
  bool started_ = false;
  std::unordered_map<std::string, unsigned> owner_;        // disk files: path -> core
  std::unordered_map<std::string, std::uint32_t> counts_;  // global -> files assigning it
  std::shared_ptr<const GlobalSet> assigned_;              // names with a count, immutable
  std::map<std::string, Open, std::less<>> open_;
  query::WorkspaceIndex index_;  // every file's query summary (open ones: the editor's)
  RecentAnalyses recent_{8};     // of files queried while not open
  // When a position query last came (analysis_of): a load publishes settled files early only
  // while none has come lately, so an editor's requests do not queue behind them.
  std::chrono::steady_clock::time_point last_query_{};

  bool loading_ = false;  // one load at a time: a second waits for `idle_`
  Event idle_;
};

}  // namespace moonring::lua
