// LSP watched-file changes become the same events as inotify's.
#include <catch2/catch.hpp>

#include <vector>

#include "workspace/watch/lsp_changes.hpp"

using namespace moonring::workspace;

TEST_CASE("didChangeWatchedFiles changes become watch events, merged as one burst") {
  const std::vector<LspFileChange> changes = {
      {"/w/a.lua", LspChangeType::created}, {"/w/a.lua", LspChangeType::changed},
      {"/w/b.lua", LspChangeType::changed}, {"/w/c.lua", LspChangeType::deleted},
      {"/w/d.lua", LspChangeType::created}, {"/w/d.lua", LspChangeType::deleted},
  };
  CHECK(from_lsp_changes(changes) ==
        std::vector<WatchEvent>{{ChangeKind::created, "/w/a.lua", {}, false},
                                {ChangeKind::changed, "/w/b.lua", {}, false},
                                {ChangeKind::deleted, "/w/c.lua", {}, false}});
  CHECK(from_lsp_changes({}).empty());
  CHECK(to_string(ChangeKind::renamed) == "renamed");
}
