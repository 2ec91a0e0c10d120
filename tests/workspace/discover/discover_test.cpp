// The walk: symlinks and their loops, unreadable folders, files vanishing mid-walk, the size
// limit, several roots, and the streaming order (files reach the sink while the walk goes on).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/skip.hpp"
#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/discover/discover.hpp"

using namespace moonring::workspace;
using moonring::test::TempTree;

namespace {

std::vector<std::string> rel_paths(const TempTree& t, const std::vector<DiscoveredFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path.substr(t.root().size() + 1));
  return out;
}

DiscoverOptions options_for(const TempTree& t) {
  DiscoverOptions o;
  o.roots = {t.root()};
  o.sorted = true;
  return o;
}

bool has_problem(const Discovery& d, ProblemKind kind, const std::string& path_end) {
  return std::any_of(d.problems.begin(), d.problems.end(), [&](const DiscoverProblem& p) {
    return p.kind == kind && p.path.size() >= path_end.size() &&
           p.path.compare(p.path.size() - path_end.size(), path_end.size(), path_end) == 0;
  });
}

}  // namespace

TEST_CASE("files carry their sizes, and only source files are examined") {
  TempTree t;
  t.add_all({{"a.lua", "return 1\n"}, {"d/b.lua", std::string(5000, 'x')}});
  for (int i = 0; i < 20; ++i) t.add("d/other" + std::to_string(i) + ".txt", "x");
  Discovery d;
  DiscoverStats stats = discover_files(
      options_for(t), {[&](DiscoveredFile&& f) { d.files.push_back(std::move(f)); }, {}});
  REQUIRE(rel_paths(t, d.files) == std::vector<std::string>{"a.lua", "d/b.lua"});
  CHECK(d.files[0].size == 9);
  CHECK(d.files[1].size == 5000);
  CHECK(stats.files == 2);
  CHECK(stats.directories == 2);
  CHECK(stats.entries == 23);
  // The root's stat and one per source file; folders and other files come from d_type (a file
  // system without d_type would need more, so allow for one per entry at most).
  CHECK(stats.stat_calls <= 1 + 2 + stats.directories);
}

TEST_CASE("symlinks are followed, and a loop is reported and skipped") {
  TempTree outside;
  outside.add("lib/util.lua");
  TempTree t;
  t.add_all({{"a/x.lua", ""}, {"b.lua", ""}});
  t.symlink(outside.path("lib"), "linked");   // a folder elsewhere
  t.symlink(t.root(), "a/loop");              // back to the root: a loop
  t.symlink("self.lua", "self.lua");          // a symlink to itself: ELOOP
  t.symlink("gone.lua", "dangling.lua");      // to nothing
  t.symlink(t.path("b.lua"), "a/alias.lua");  // a file behind a symlink
  Discovery d = collect_files(options_for(t));
  CHECK(rel_paths(t, d.files) ==
        std::vector<std::string>{"a/alias.lua", "a/x.lua", "b.lua", "linked/util.lua"});
  CHECK(has_problem(d, ProblemKind::symlink_loop, "a/loop"));
  CHECK(has_problem(d, ProblemKind::symlink_loop, "self.lua"));
  CHECK(has_problem(d, ProblemKind::vanished, "dangling.lua"));
  for (const auto& p : d.problems) INFO(p.message());
  CHECK(d.problems.size() == 3);

  DiscoverOptions no_follow = options_for(t);
  no_follow.follow_symlinks = false;
  Discovery plain = collect_files(no_follow);
  CHECK(rel_paths(t, plain.files) == std::vector<std::string>{"a/x.lua", "b.lua"});
  CHECK(plain.problems.empty());
}

TEST_CASE("a folder reached twice (two roots, a symlink) is walked once") {
  TempTree t;
  t.add_all({{"src/a.lua", ""}, {"src/sub/b.lua", ""}});
  t.symlink(t.path("src/sub"), "src/again");
  DiscoverOptions o = options_for(t);
  o.roots = {t.path("src"), t.path("src/sub")};
  Discovery d = collect_files(o);
  CHECK(d.files.size() == 2);
  CHECK(d.problems.empty());
}

TEST_CASE("roots: files named directly, missing roots, trailing slashes") {
  TempTree t;
  t.add_all({{"notes.txt", "hello"}, {"d/a.lua", ""}});
  DiscoverOptions o;
  o.roots = {t.path("notes.txt"), t.path("nope"), t.path("d") + "/"};
  Discovery d = collect_files(o);
  REQUIRE(d.files.size() == 2);
  CHECK(d.files[0].path == t.path("d/a.lua"));
  CHECK(d.files[1].path == t.path("notes.txt"));  // named, so taken whatever its name
  CHECK(d.files[1].size == 5);
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].kind == ProblemKind::missing_root);
  CHECK(d.problems[0].message() == "stat " + t.path("nope") + ": No such file or directory");
}

TEST_CASE("files over the size limit are skipped with a message saying so") {
  TempTree t;
  t.add_all({{"small.lua", "x"}, {"big.lua", ""}});
  std::filesystem::resize_file(t.path("big.lua"), 30ull << 20);  // sparse: no 30 MB written
  Discovery d = collect_files(options_for(t));
  CHECK(rel_paths(t, d.files) == std::vector<std::string>{"small.lua"});
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].kind == ProblemKind::too_large);
  CHECK(d.problems[0].message() ==
        "skipped " + t.path("big.lua") + ": 30 MB is over the 20 MB limit");

  DiscoverOptions o = options_for(t);
  o.max_file_size = 40ull << 20;
  CHECK(collect_files(o).files.size() == 2);
  CHECK(human_size(1536 * 1024) == "1.5 MB");
  CHECK(human_size(1 << 20) == "1 MB");
  CHECK(human_size(2048) == "2 KB");
  CHECK(human_size(12) == "12 bytes");
}

TEST_CASE("a file or folder vanishing during the walk is reported and skipped") {
  TempTree t;
  t.add_all({{"a.lua", ""}, {"b.lua", ""}, {"c/d.lua", ""}, {"e.lua", ""}});
  std::vector<std::string> seen;
  std::vector<DiscoverProblem> problems;
  DiscoverSink sink{[&](DiscoveredFile&& f) {
                      seen.push_back(f.path.substr(t.root().size() + 1));
                      if (seen.back() == "a.lua") {
                        // The root is listed already: b.lua and c/ are names without files.
                        std::filesystem::remove(t.path("b.lua"));
                        std::filesystem::remove_all(t.path("c"));
                      }
                    },
                    [&](DiscoverProblem&& p) { problems.push_back(std::move(p)); }};
  discover_files(options_for(t), sink);
  CHECK(seen == std::vector<std::string>{"a.lua", "e.lua"});
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].kind == ProblemKind::vanished);
  CHECK(problems[0].message() == "stat " + t.path("b.lua") + ": No such file or directory");
  CHECK(problems[1].kind == ProblemKind::vanished);
  CHECK(problems[1].path == t.path("c"));
}

TEST_CASE("an unreadable folder is reported and skipped") {
  TempTree t;
  t.add_all({{"a.lua", ""}, {"secret/s.lua", ""}, {"z/z.lua", ""}});
  ::chmod(t.path("secret").c_str(), 0);
  if (::geteuid() != 0) {
    Discovery d = collect_files(options_for(t));
    CHECK(rel_paths(t, d.files) == std::vector<std::string>{"a.lua", "z/z.lua"});
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].kind == ProblemKind::unreadable);
    CHECK(d.problems[0].message() == "open " + t.path("secret") + ": Permission denied");
    return;
  }
  // Root reads any folder, so the walk runs in a child that has given root up (as "nobody").
  ::chmod(t.root().c_str(), 0755);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    Discovery d = collect_files(options_for(t));
    bool ok = rel_paths(t, d.files) == std::vector<std::string>{"a.lua", "z/z.lua"} &&
              d.problems.size() == 1 && d.problems[0].kind == ProblemKind::unreadable &&
              d.problems[0].message() == "open " + t.path("secret") + ": Permission denied";
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 3) {
    return moonring::test::skip_because("running as root and cannot drop to uid 65534");
  }
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("streaming: each file reaches the sink before the walk reads the next folder") {
  TempTree t;
  t.add_all({{"a/1.lua", ""}, {"b/2.lua", ""}});
  std::vector<std::string> seen;
  DiscoverSink sink{[&](DiscoveredFile&& f) {
                      seen.push_back(f.path.substr(t.root().size() + 1));
                      // b/ has not been listed yet when a/1.lua arrives, so this file is found.
                      if (seen.back() == "a/1.lua") t.add("b/0-added-while-walking.lua");
                    },
                    {}};
  discover_files(options_for(t), sink);
  CHECK(seen == std::vector<std::string>{"a/1.lua", "b/0-added-while-walking.lua", "b/2.lua"});
}

TEST_CASE("sorted walks give the same stream every time, depth first by name") {
  TempTree t;
  t.add_all({{"z.lua", ""}, {"a.lua", ""}, {"m/b.lua", ""}, {"m/a.lua", ""}, {"a/q.lua", ""}});
  std::vector<std::string> first;
  discover_files(options_for(t), {[&](DiscoveredFile&& f) { first.push_back(f.path); }, {}});
  CHECK(rel_paths(t, collect_files(options_for(t)).files) ==
        std::vector<std::string>{"a.lua", "a/q.lua", "m/a.lua", "m/b.lua", "z.lua"});
  std::vector<std::string> stream;
  for (const auto& p : first) stream.push_back(p.substr(t.root().size() + 1));
  CHECK(stream == std::vector<std::string>{"a/q.lua", "a.lua", "m/a.lua", "m/b.lua", "z.lua"});
}

TEST_CASE("without sizes the walk makes no per-file stat call, and leaves the limit to others") {
  TempTree t;
  t.add_all({{"a.lua", "x"}, {"d/big.lua", ""}});
  std::filesystem::resize_file(t.path("d/big.lua"), 30ull << 20);
  DiscoverOptions o = options_for(t);
  o.sizes = false;
  Discovery d;
  DiscoverStats stats = discover_files(o, {[&](DiscoveredFile&& f) { d.files.push_back(f); },
                                           [&](DiscoverProblem&& p) { d.problems.push_back(p); }});
  CHECK(rel_paths(t, d.files) == std::vector<std::string>{"a.lua", "d/big.lua"});
  CHECK(d.files[0].size == 0);
  CHECK(d.problems.empty());
  CHECK(stats.stat_calls <= 1 + stats.directories);  // the root, and folders' identities
}
