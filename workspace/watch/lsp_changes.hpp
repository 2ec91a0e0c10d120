// The editor's view of changes on disk (LSP workspace/didChangeWatchedFiles, its URIs already
// turned into paths by lsp/) as watch events, so both sources feed the same path.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "workspace/watch/event.hpp"

namespace moonring::workspace {

// The LSP's FileChangeType values.
enum class LspChangeType { created = 1, changed = 2, deleted = 3 };

struct LspFileChange {
  std::string path;
  LspChangeType type{};
};

// One event per file, merged as a burst (a client may send created then changed for one file).
std::vector<WatchEvent> from_lsp_changes(std::span<const LspFileChange> changes);

}  // namespace moonring::workspace
