// LSP watched-file changes as watch events (see lsp_changes.hpp).
#include "workspace/watch/lsp_changes.hpp"

#include "workspace/watch/coalesce.hpp"

namespace moonring::workspace {

std::vector<WatchEvent> from_lsp_changes(std::span<const LspFileChange> changes) {
  Coalescer burst;
  for (const auto& c : changes) {
    ChangeKind kind = c.type == LspChangeType::created   ? ChangeKind::created
                      : c.type == LspChangeType::deleted ? ChangeKind::deleted
                                                         : ChangeKind::changed;
    burst.add(WatchEvent{kind, c.path, {}, false});
  }
  return burst.take();
}

}  // namespace moonring::workspace
