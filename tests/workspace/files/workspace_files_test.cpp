// WorkspaceFiles with a real loader, real files and the real document store: discovery's files,
// watch events (as inotify and the editor's didChangeWatchedFiles give them), renames of files
// and folders, rescans, and open documents following the editor rather than the disk.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/documents/file_uri.hpp"
#include "workspace/files/workspace_files.hpp"
#include "workspace/watch/lsp_changes.hpp"

using namespace moonring;
using namespace moonring::workspace;

namespace {

struct Fixture {
  test::TempTree tree;
  Loader loader;
  DocumentStore documents{PositionEncoding::utf8};
  WorkspaceFiles files{loader, documents, SourceFilter({tree.root()}, {"*.lua"}, {"vendor/"})};

  std::string path(const std::string& rel) const { return tree.path(rel); }
  // The text a reader sees for `rel`, or "<none>".
  std::string text(const std::string& rel) const {
    auto view = files.get(path(rel));
    if (!view) return "<none>";
    if (view->from_editor()) return "editor:" + view->document->text;
    const auto& loaded = view->disk.wait();
    if (!loaded) return "error:" + loaded.error().message();
    return std::string(loaded->text());
  }
  void add_discovered(std::initializer_list<std::string> rels) {
    std::vector<DiscoveredFile> found;
    for (const auto& r : rels) found.push_back({path(r), 0, {}});
    files.add(std::move(found));
  }
  FileChanges apply(std::vector<WatchEvent> burst) { return files.apply(burst); }
  WatchEvent ev(ChangeKind kind, const std::string& rel, const std::string& from = {},
                bool folder = false) const {
    return WatchEvent{kind, path(rel), from.empty() ? std::string() : path(from), folder};
  }
  std::vector<std::string> paths(std::initializer_list<std::string> rels) const {
    std::vector<std::string> out;
    for (const auto& r : rels) out.push_back(path(r));
    return out;
  }
};

}  // namespace

TEST_CASE("workspace files: discovered files load; changes on disk load again") {
  Fixture f;
  f.tree.add_all({{"a.lua", "a = 1\n"}, {"lib/b.lua", "b = 2\n"}});
  f.add_discovered({"a.lua", "lib/b.lua", "a.lua"});  // named twice: one file
  CHECK(f.files.size() == 2);
  CHECK(f.files.add({{f.path("a.lua"), 0, {}}}).empty());  // known already
  CHECK(f.text("a.lua") == "a = 1\n");
  CHECK(f.text("lib/b.lua") == "b = 2\n");

  // A reader holding the old content keeps it; the next reader gets the new one.
  AsyncFile before = f.files.get(f.path("a.lua"))->disk;
  REQUIRE(before.wait().ok());
  f.tree.add("a.lua", "a = 10\n");
  auto changes = f.apply({f.ev(ChangeKind::changed, "a.lua")});
  CHECK(changes.changed == f.paths({"a.lua"}));
  CHECK(changes.added.empty());
  CHECK(f.text("a.lua") == "a = 10\n");
  CHECK(before.wait()->text() == "a = 1\n");
}

TEST_CASE("workspace files: created files are added when they are sources under a root") {
  Fixture f;
  test::TempTree outside;
  f.tree.add_all({{"new.lua", "n = 1\n"},
                  {"notes.txt", "text"},
                  {"vendor/dep.lua", "d = 1\n"},
                  {"later.lua", "l = 1\n"}});
  outside.add("far.lua", "f = 1\n");
  auto changes =
      f.apply({f.ev(ChangeKind::created, "new.lua"), f.ev(ChangeKind::created, "notes.txt"),
               f.ev(ChangeKind::created, "vendor/dep.lua"),
               WatchEvent{ChangeKind::created, outside.path("far.lua"), {}, false},
               // A change to a file not known yet is a new file.
               f.ev(ChangeKind::changed, "later.lua")});
  CHECK(changes.added == f.paths({"new.lua", "later.lua"}));
  CHECK(f.files.paths() == f.paths({"later.lua", "new.lua"}));
  CHECK(f.text("new.lua") == "n = 1\n");
  CHECK(f.text("notes.txt") == "<none>");
  CHECK_FALSE(f.files.get(outside.path("far.lua")));
}

TEST_CASE("workspace files: deleting a file or a folder forgets everything below it") {
  Fixture f;
  f.tree.add_all({{"a.lua", ""}, {"d/x.lua", ""}, {"d/e/y.lua", ""}, {"d2/z.lua", ""}});
  f.add_discovered({"a.lua", "d/x.lua", "d/e/y.lua", "d2/z.lua"});
  std::filesystem::remove(f.path("a.lua"));
  std::filesystem::remove_all(f.path("d"));
  auto changes =
      f.apply({f.ev(ChangeKind::deleted, "a.lua"), f.ev(ChangeKind::deleted, "d", {}, true)});
  CHECK(changes.removed == f.paths({"a.lua", "d/e/y.lua", "d/x.lua"}));
  // "d2" shares the prefix "d" but is not below it.
  CHECK(f.files.paths() == f.paths({"d2/z.lua"}));
  CHECK(f.text("a.lua") == "<none>");
}

TEST_CASE("workspace files: renamed files and folders move, and load under the new name") {
  Fixture f;
  f.tree.add_all({{"old.lua", "o = 1\n"}, {"src/m.lua", "m = 1\n"}, {"src/sub/n.lua", "n = 1\n"}});
  f.add_discovered({"old.lua", "src/m.lua", "src/sub/n.lua"});
  std::filesystem::rename(f.path("old.lua"), f.path("new.lua"));
  std::filesystem::rename(f.path("src"), f.path("lib"));
  auto changes = f.apply({f.ev(ChangeKind::renamed, "new.lua", "old.lua"),
                          f.ev(ChangeKind::renamed, "lib", "src", true)});
  CHECK(changes.removed == f.paths({"old.lua", "src/m.lua", "src/sub/n.lua"}));
  CHECK(changes.added == f.paths({"new.lua", "lib/m.lua", "lib/sub/n.lua"}));
  CHECK(f.files.paths() == f.paths({"lib/m.lua", "lib/sub/n.lua", "new.lua"}));
  CHECK(f.text("new.lua") == "o = 1\n");
  CHECK(f.text("lib/sub/n.lua") == "n = 1\n");

  // A rename onto a name that is not a source drops the file.
  std::filesystem::rename(f.path("new.lua"), f.path("new.lua.bak"));
  changes = f.apply({f.ev(ChangeKind::renamed, "new.lua.bak", "new.lua")});
  CHECK(changes.removed == f.paths({"new.lua"}));
  CHECK(changes.added.empty());
}

TEST_CASE("workspace files: an open document follows the editor, not the disk") {
  Fixture f;
  f.tree.add_all({{"my file.lua", "disk = 1\n"}, {"other.lua", "o = 1\n"}});
  f.add_discovered({"my file.lua", "other.lua"});
  CHECK(f.text("my file.lua") == "disk = 1\n");

  // The editor's URI encodes the space; the workspace meets it on the path.
  const std::string uri = path_to_file_uri(f.path("my file.lua"));
  REQUIRE(uri.find("my%20file.lua") != std::string::npos);
  REQUIRE(f.documents.open(uri, "lua", 1, "editor = 1\n").ok());
  CHECK(f.text("my file.lua") == "editor:editor = 1\n");

  // Saved elsewhere, then deleted on disk: readers still see the editor's text, and neither
  // change is listed (what they see did not change).
  f.tree.add("my file.lua", "disk = 2\n");
  auto changes = f.apply({f.ev(ChangeKind::changed, "my file.lua")});
  CHECK(changes.empty());
  CHECK(f.text("my file.lua") == "editor:editor = 1\n");
  std::filesystem::remove(f.path("my file.lua"));
  changes = f.apply({f.ev(ChangeKind::deleted, "my file.lua")});
  CHECK(changes.empty());
  CHECK(f.text("my file.lua") == "editor:editor = 1\n");
  CHECK_FALSE(f.files.contains(f.path("my file.lua")));

  // Closed: the file is gone from disk, so nothing is left.
  REQUIRE(f.documents.close(uri).ok());
  CHECK(f.text("my file.lua") == "<none>");
  CHECK(f.text("other.lua") == "o = 1\n");
}

TEST_CASE("workspace files: a document open before its file exists shows once created") {
  Fixture f;
  const std::string uri = path_to_file_uri(f.path("fresh.lua"));
  REQUIRE(f.documents.open(uri, "lua", 1, "unsaved\n").ok());
  CHECK(f.text("fresh.lua") == "editor:unsaved\n");
  f.tree.add("fresh.lua", "saved\n");
  auto changes = f.apply({f.ev(ChangeKind::created, "fresh.lua")});
  CHECK(changes.empty());  // the editor's text is still what readers see
  CHECK(f.files.contains(f.path("fresh.lua")));
  REQUIRE(f.documents.close(uri).ok());
  CHECK(f.text("fresh.lua") == "saved\n");
}

TEST_CASE("workspace files: the editor's didChangeWatchedFiles feeds the same path") {
  Fixture f;
  f.tree.add_all({{"a.lua", "a = 1\n"}, {"b.lua", "b = 1\n"}});
  f.add_discovered({"a.lua"});
  f.tree.add("a.lua", "a = 2\n");
  std::vector<LspFileChange> lsp{{f.path("b.lua"), LspChangeType::created},
                                 {f.path("b.lua"), LspChangeType::changed},
                                 {f.path("a.lua"), LspChangeType::changed},
                                 {f.path("gone.lua"), LspChangeType::deleted}};
  auto changes = f.files.apply(from_lsp_changes(lsp));
  CHECK(changes.added == f.paths({"b.lua"}));
  CHECK(changes.changed == f.paths({"a.lua"}));
  CHECK(changes.removed.empty());  // gone.lua was never known
  CHECK(f.text("a.lua") == "a = 2\n");
  CHECK(f.text("b.lua") == "b = 1\n");
}

TEST_CASE("workspace files: a rescan is reported; sync makes discovery's list the truth") {
  Fixture f;
  f.tree.add_all({{"keep.lua", "k = 1\n"}, {"drop.lua", ""}});
  f.add_discovered({"keep.lua", "drop.lua"});
  auto changes = f.apply({WatchEvent{ChangeKind::rescan, f.tree.root(), {}, false}});
  CHECK(changes.rescan);
  CHECK(f.files.size() == 2);

  std::filesystem::remove(f.path("drop.lua"));
  f.tree.add("keep.lua", "k = 2\n");
  f.tree.add("new.lua", "n = 1\n");
  DiscoverOptions options;
  options.roots = {f.tree.root()};
  auto found = collect_files(options);
  changes = f.files.sync(std::move(found.files));
  CHECK(changes.removed == f.paths({"drop.lua"}));
  CHECK(changes.added == f.paths({"new.lua"}));
  CHECK(changes.changed == f.paths({"keep.lua"}));
  CHECK(f.text("keep.lua") == "k = 2\n");
  CHECK(f.text("new.lua") == "n = 1\n");
}

TEST_CASE("file URIs: encoding, decoding and what is not a local file") {
  CHECK(path_to_file_uri("/a b/\xc3\xbc.lua") == "file:///a%20b/%C3%BC.lua");
  CHECK(percent_encode_path("dir/x+y#1.lua") == "dir/x%2By%231.lua");
  CHECK(file_uri_to_path("file:///a%20b/%c3%bc.lua") == "/a b/\xc3\xbc.lua");
  CHECK(file_uri_to_path("FILE://localhost/x.lua") == "/x.lua");
  CHECK(file_uri_to_path("file:///x.lua?query#frag") == "/x.lua");
  CHECK(file_uri_to_path("file:///unencoded space.lua") == "/unencoded space.lua");
  CHECK_FALSE(file_uri_to_path("untitled:Untitled-1"));
  CHECK_FALSE(file_uri_to_path("file://server/share/x.lua"));
  CHECK_FALSE(file_uri_to_path("file:x.lua"));
  CHECK_FALSE(file_uri_to_path("file:///bad%2"));
  CHECK_FALSE(file_uri_to_path("file:///bad%zz"));
  CHECK_FALSE(file_uri_to_path("file:///nul%00byte"));
  CHECK_FALSE(file_uri_to_path(std::string_view("file:///raw\0nul", 15)));  // found by fuzzing
  // Every byte survives the round trip.
  std::string all = "/";
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  CHECK(file_uri_to_path(path_to_file_uri(all)) == all);
}

TEST_CASE("document store: open documents are found by path, whatever the URI's encoding") {
  DocumentStore store;
  REQUIRE(store.open("file:///w/a%20b.lua", "lua", 1, "x").ok());
  REQUIRE(store.open("/w/plain.lua", "lua", 1, "y").ok());
  REQUIRE(store.open("untitled:1", "lua", 1, "z").ok());
  CHECK(store.get_by_path("/w/a b.lua")->text == "x");
  CHECK(store.get_by_path("/w/plain.lua")->text == "y");
  CHECK_FALSE(store.get_by_path("/w/a%20b.lua"));
  // Two URIs for one file: the first answers until it closes, then the other.
  REQUIRE(store.open("file:///w/a b.lua", "lua", 1, "second").ok());
  CHECK(store.get_by_path("/w/a b.lua")->text == "x");
  REQUIRE(store.close("file:///w/a%20b.lua").ok());
  CHECK(store.get_by_path("/w/a b.lua")->text == "second");
  REQUIRE(store.close("file:///w/a b.lua").ok());
  CHECK_FALSE(store.get_by_path("/w/a b.lua"));
}
