// The workspace's files kept current by the real inotify watcher, on both backends: a file
// created, changed, renamed and deleted on disk reaches readers through Watcher -> apply, and a
// file open in the editor keeps the editor's text while its disk copy changes.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/documents/file_uri.hpp"
#include "workspace/files/workspace_files.hpp"
#include "workspace/watch/watcher.hpp"

using namespace moonring;
using namespace moonring::workspace;
using namespace std::chrono_literals;

namespace {

// Applies bursts until `done` holds for the file set (or 5 s pass); the changes seen.
template <typename Done>
Task<FileChanges> follow(Watcher& w, WorkspaceFiles& files, Done done) {
  FileChanges all;
  auto deadline = Clock::now() + 5000ms;
  while (!done() && Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto burst = co_await with_timeout(left, w.next(), "watch");
    if (!burst) break;
    FileChanges c = files.apply(*burst);
    for (auto& p : c.added) all.added.push_back(std::move(p));
    for (auto& p : c.changed) all.changed.push_back(std::move(p));
    for (auto& p : c.removed) all.removed.push_back(std::move(p));
  }
  co_return all;
}

Task<std::string> text_of(const WorkspaceFiles& files, const std::string& path) {
  auto view = files.get(path);
  if (!view) co_return "<none>";
  if (view->from_editor()) co_return "editor:" + view->document->text;
  const auto& loaded = co_await view->disk.get();
  if (!loaded) co_return "error:" + loaded.error().message();
  co_return std::string(loaded->text());
}

}  // namespace

TEST_CASE("workspace files follow the disk through the watcher; open documents do not") {
  test::TempTree t;
  t.add("kept.lua", "k = 1\n");
  Loader loader;
  DocumentStore documents;
  WorkspaceFiles files(loader, documents, SourceFilter({t.root()}, {"*.lua"}, {}));
  DiscoverOptions options;
  options.roots = {t.root()};
  files.add(collect_files(options).files);
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    WatchOptions o;
    o.roots = {t.root()};
    o.quiet = 30ms;
    auto opened = co_await Watcher::open(o);
    if (!opened) FAIL(opened.error().message());
    Watcher& w = *opened;

    t.add("new.lua", "n = 1\n");
    auto c = co_await follow(w, files, [&] { return files.contains(t.path("new.lua")); });
    CHECK(c.added == std::vector<std::string>{t.path("new.lua")});
    CHECK(co_await text_of(files, t.path("new.lua")) == "n = 1\n");

    std::ofstream(t.path("new.lua"), std::ios::app) << "n = 2\n";
    c = co_await follow(w, files, [&] { return false; });  // the burst, then the deadline
    CHECK(c.changed == std::vector<std::string>{t.path("new.lua")});
    CHECK(co_await text_of(files, t.path("new.lua")) == "n = 1\nn = 2\n");

    // Open in the editor: the disk copy changes, readers keep the editor's text.
    const std::string uri = path_to_file_uri(t.path("kept.lua"));
    REQUIRE(documents.open(uri, "lua", 1, "edited\n").ok());
    std::ofstream(t.path("kept.lua"), std::ios::app) << "k = 2\n";
    std::filesystem::rename(t.path("new.lua"), t.path("renamed.lua"));
    c = co_await follow(w, files, [&] { return files.contains(t.path("renamed.lua")); });
    CHECK(c.removed == std::vector<std::string>{t.path("new.lua")});
    CHECK(c.added == std::vector<std::string>{t.path("renamed.lua")});
    CHECK(c.changed.empty());  // kept.lua is open: what readers see did not change
    CHECK(co_await text_of(files, t.path("kept.lua")) == "editor:edited\n");
    REQUIRE(documents.close(uri).ok());
    CHECK(co_await text_of(files, t.path("kept.lua")) == "k = 1\nk = 2\n");

    std::filesystem::remove(t.path("renamed.lua"));
    c = co_await follow(w, files, [&] { return !files.contains(t.path("renamed.lua")); });
    CHECK(c.removed == std::vector<std::string>{t.path("renamed.lua")});
    CHECK(files.paths() == std::vector<std::string>{t.path("kept.lua")});
  });
}
