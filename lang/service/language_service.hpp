// The one seam between the language server and a language (DESIGN.md, "The language server"):
// lsp/ speaks LSP and calls this; lang/lua/services implements it. Everything here is in the
// service's own terms (paths, byte offsets, service::types), never JSON-RPC.
//
// A service belongs to the core that made it (the session's): every call is made there. It may
// spread work over the runtime's other cores, and it calls its sinks on its own core.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/service/types.hpp"
#include "runtime/cancel.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"
#include "workspace/documents/snapshot.hpp"

namespace moonring::service {

// What a service reports while it works, on its core.
struct Sinks {
  // A file's diagnostics changed (or were computed for the first time).
  std::function<void(FileDiagnostics)> diagnostics;
  // Workspace loading: `done` of `total` files analysed so far (total grows while files are
  // still being found).
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Something a user should know (a configuration error, a file that cannot be read).
  enum class Level : std::uint8_t { error = 1, warning = 2, info = 3, log = 4 };
  std::function<void(Level, std::string)> message;
  // Resolves once what was sent so far has gone out to the client (its last write may still be
  // under way): bulk publishing awaits it between batches, so it goes no faster than the client
  // reads and a reply never queues behind a backlog of notifications. Optional.
  std::function<Task<void>()> written;
  // Resolves once the client has handled what was sent before the call: a JSON-RPC client reads
  // eagerly and handles messages in order, so a reply sent now waits behind everything it has not
  // handled yet, whatever the wire says. Bulk publishing keeps at most two batches unhandled.
  // Optional: `written` stands in.
  std::function<Task<void>()> handled;
  // Bytes sent and not yet gone out to the client: publishing during a load holds back while
  // the client is behind. Optional.
  std::function<std::size_t()> unsent;
};

// A request about a place in a file: the text the client's position was resolved in (the open
// document, or the file as read from disk when it is not open) and the byte offset in it.
struct At {
  std::string path;
  workspace::SnapshotPtr document;
  std::uint32_t offset = 0;
};

// The optional queries a service may answer (the server advertises only those it has).
enum class Feature : std::uint8_t {
  hover,
  definition,
  declaration,
  references,
  highlight,
  rename,
  completion,
  signature_help,
  document_symbols,
  workspace_symbols,
  folding,
  selection,
  links,
  inlay_hints,
  semantic_tokens,
  code_actions,
};

class LanguageService {
 public:
  virtual ~LanguageService() = default;

  // The section of the client's settings this language reads ("Lua" for Lua).
  virtual std::string_view settings_section() const = 0;

  // Loads and analyses the workspace under `roots` (absolute folders), replacing what was
  // loaded before; once it returns every file's diagnostics have gone to the sink, an empty
  // list for a clean file.
  virtual Task<void> load(std::vector<std::string> roots) = 0;
  // Ends the work spread over other cores; the last call, made once.
  virtual Task<void> stop() = 0;
  // The client's settings section as JSON text ("" or "null": none). An error names what is
  // wrong; the settings that could be read still apply. Re-analyses what they change.
  virtual Task<Result<void>> configure(std::string_view settings_json) = 0;

  // The editor's documents, by absolute path (an open document follows the editor, not the
  // disk). Each re-analyses the file and every file whose diagnostics it changes.
  virtual Task<void> open(std::string path, workspace::SnapshotPtr document) = 0;
  virtual Task<void> change(std::string path, workspace::SnapshotPtr document) = 0;
  virtual Task<void> close(std::string path) = 0;
  // Files created, changed or deleted on disk (a configuration file among them reloads the
  // configuration).
  virtual Task<void> files_changed(std::vector<std::string> changed,
                                   std::vector<std::string> deleted) = 0;

  // The current diagnostics of one file; nullopt when the service does not know the file.
  virtual Task<std::optional<FileDiagnostics>> diagnostics(std::string path,
                                                           CancellationToken cancel) = 0;
  // Every known file's.
  virtual Task<std::vector<FileDiagnostics>> all_diagnostics(CancellationToken cancel) = 0;

  // The queries below answer about `at.document` (errors are refusals to show the user).
  // What the name at the place is; nullopt when nothing is there to say.
  virtual Task<Result<std::optional<Hover>>> hover(At at, CancellationToken cancel) = 0;
  // Where the name is defined (its declaration here, or its definitions in other files).
  virtual Task<Result<std::vector<Location>>> definition(At at, CancellationToken cancel) = 0;
  // Where the name is declared.
  virtual Task<Result<std::vector<Location>>> declaration(At at, CancellationToken cancel) = 0;
  // Every occurrence in the workspace, with or without the declarations.
  virtual Task<Result<std::vector<Location>>> references(At at, bool include_declaration,
                                                         CancellationToken cancel) = 0;
  // Every occurrence in the file.
  virtual Task<Result<std::vector<Occurrence>>> highlights(At at, CancellationToken cancel) = 0;
  // The name a rename would change, or an error saying why it cannot be renamed.
  virtual Task<Result<RenamePlace>> prepare_rename(At at, CancellationToken cancel) = 0;
  // The edits of a rename across the workspace, or why it cannot be done.
  virtual Task<Result<std::vector<TextEdit>>> rename(At at, std::string new_name,
                                                     CancellationToken cancel) = 0;
  virtual Task<Result<Completion>> completion(At at, CancellationToken cancel) = 0;
  virtual Task<Result<std::optional<Signature>>> signature_help(At at,
                                                                CancellationToken cancel) = 0;
  // The outline of `at.document` (the offset is unused).
  virtual Task<Result<std::vector<OutlineSymbol>>> document_symbols(At at,
                                                                    CancellationToken cancel) = 0;
  // Module members and global functions of the workspace matching `query` (fuzzy), best first.
  virtual Task<Result<std::vector<SymbolInfo>>> workspace_symbols(std::string query,
                                                                  CancellationToken cancel) = 0;
  virtual Task<Result<std::vector<Fold>>> folding(At at, CancellationToken cancel) = 0;
  // The ranges around the place, innermost first.
  virtual Task<Result<std::vector<Span>>> selection(At at, CancellationToken cancel) = 0;
  virtual Task<Result<std::vector<Link>>> links(At at, CancellationToken cancel) = 0;
  virtual Task<Result<std::vector<InlayHint>>> inlay_hints(At at, ByteRange within,
                                                           CancellationToken cancel) = 0;
  // The tokens starting inside `within` (the whole document when nullopt), in order.
  virtual Task<Result<std::vector<SemanticToken>>> semantic_tokens(At at,
                                                                   std::optional<ByteRange> within,
                                                                   CancellationToken cancel) = 0;
  virtual TokenLegend token_legend() const = 0;
  // Quick fixes for the diagnostics given (those the service knows how to fix).
  virtual Task<Result<std::vector<QuickFix>>> quick_fixes(
      At at, std::vector<FixableDiagnostic> diagnostics, CancellationToken cancel) = 0;
  virtual bool has(Feature feature) const = 0;
};

}  // namespace moonring::service
