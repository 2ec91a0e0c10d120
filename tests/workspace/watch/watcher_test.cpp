// The inotify watcher on both backends: files created, modified, deleted and renamed (within,
// into and out of the tree), new folders, coalescing of bursts, overflow, and stopping without
// leaking the descriptor.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/skip.hpp"
#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/watch/watcher.hpp"

using namespace moonring;
using namespace moonring::workspace;
using namespace std::chrono_literals;

namespace {

WatchEvent ev(ChangeKind kind, std::string path, std::string from = {}, bool dir = false) {
  return WatchEvent{kind, std::move(path), std::move(from), dir};
}

// Open inotify descriptors of this process (the runtime's own descriptors come and go lazily).
std::size_t open_inotify_fds() {
  std::size_t n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    if (std::filesystem::read_symlink(e.path(), ec).string() == "anon_inode:inotify") ++n;
  return n;
}

void append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

// Bursts until at least `want` events arrived (or `limit` passed); all of them in order.
Task<std::vector<WatchEvent>> gather(Watcher& w, std::size_t want,
                                     std::chrono::milliseconds limit = 5000ms) {
  std::vector<WatchEvent> all;
  auto deadline = Clock::now() + limit;
  while (all.size() < want && Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto burst = co_await with_timeout(left, w.next(), "watch");
    if (!burst) {
      if (!is_timed_out(burst.error())) FAIL(burst.error().message());
      break;
    }
    for (auto& e : *burst) all.push_back(std::move(e));
  }
  co_return all;
}

Task<Watcher> open_watcher(const std::string& root, std::chrono::milliseconds quiet = 30ms) {
  WatchOptions o;
  o.roots = {root};
  o.quiet = quiet;
  o.excludes = {"skipped/"};
  auto w = co_await Watcher::open(o);
  if (!w) FAIL(w.error().message());
  co_return std::move(*w);
}

// `waiting` is set once the watcher is open (or failed to open), right before it waits.
Task<void> watch_until_cancelled(std::string root, std::shared_ptr<std::atomic<bool>> done,
                                 std::shared_ptr<std::promise<void>> waiting) {
  WatchOptions o;
  o.roots = {std::move(root)};
  auto w = co_await Watcher::open(o);
  waiting->set_value();
  if (!w) co_return;
  auto r = co_await w->next();
  if (!r && is_cancelled(r.error())) *done = true;
}

}  // namespace

TEST_CASE("watch: create, modify and delete source files; other files are not reported") {
  test::TempTree t;
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root());
    t.add("a.lua", "x = 1\n");
    t.add("notes.txt", "not a source");
    auto got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("a.lua"))});

    append(t.path("a.lua"), "y = 2\n");
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::changed, t.path("a.lua"))});

    std::filesystem::remove(t.path("a.lua"));
    std::filesystem::remove(t.path("notes.txt"));
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::deleted, t.path("a.lua"))});
  });
}

TEST_CASE("watch: renames within the tree, into it and out of it") {
  test::TempTree t;
  test::TempTree outside;
  t.add_all({{"a.lua", ""}, {"d/leaving.lua", ""}, {"draft.tmp", ""}});
  outside.add("arriving.lua");
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root());
    std::filesystem::rename(t.path("a.lua"), t.path("d/b.lua"));
    auto got = co_await gather(w, 1);
    CHECK(got ==
          std::vector<WatchEvent>{ev(ChangeKind::renamed, t.path("d/b.lua"), t.path("a.lua"))});

    std::filesystem::rename(outside.path("arriving.lua"), t.path("arrived.lua"));
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("arrived.lua"))});

    std::filesystem::rename(t.path("d/leaving.lua"), outside.path("left.lua"));
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::deleted, t.path("d/leaving.lua"))});

    // An editor's save: a temporary file renamed over the source.
    std::filesystem::rename(t.path("draft.tmp"), t.path("d/b.lua"));
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("d/b.lua"))});
  });
}

TEST_CASE("watch: a new folder is watched, files in it are found, excluded folders are not") {
  test::TempTree t;
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root());
    std::size_t before = w.watched_folders();
    // Created together with the folder: found by listing it, or by its watch, once either way.
    t.add("sub/deeper/x.lua");
    t.add("skipped/y.lua");
    auto got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("sub/deeper/x.lua"))});
    CHECK(w.watched_folders() == before + 2);

    t.add("sub/deeper/later.lua");  // in a later burst: only the new folder's watch sees it
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("sub/deeper/later.lua"))});

    // A folder renamed inside the tree keeps its watches under the new name.
    std::filesystem::rename(t.path("sub"), t.path("moved"));
    got = co_await gather(w, 1);
    CHECK(got ==
          std::vector<WatchEvent>{ev(ChangeKind::renamed, t.path("moved"), t.path("sub"), true)});
    append(t.path("moved/deeper/later.lua"), "z = 3\n");
    got = co_await gather(w, 1);
    CHECK(got ==
          std::vector<WatchEvent>{ev(ChangeKind::changed, t.path("moved/deeper/later.lua"))});
  });
}

TEST_CASE("watch: a folder moved in brings its files; one moved out is deleted as a folder") {
  test::TempTree t;
  test::TempTree outside;
  outside.add_all({{"pkg/a.lua", ""}, {"pkg/inner/b.lua", ""}, {"pkg/readme.md", ""}});
  t.add("old/c.lua");
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root());
    std::filesystem::rename(outside.path("pkg"), t.path("pkg"));
    auto got = co_await gather(w, 2);
    std::sort(got.begin(), got.end(),
              [](const WatchEvent& a, const WatchEvent& b) { return a.path < b.path; });
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("pkg/a.lua")),
                                         ev(ChangeKind::created, t.path("pkg/inner/b.lua"))});
    // Its folders are watched now.
    append(t.path("pkg/inner/b.lua"), "x = 1\n");
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::changed, t.path("pkg/inner/b.lua"))});

    std::size_t watched = w.watched_folders();
    std::filesystem::rename(t.path("old"), outside.path("old"));
    got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::deleted, t.path("old"), {}, true)});
    CHECK(w.watched_folders() == watched - 1);
  });
}

TEST_CASE("watch: a file written in ten writes is one change after the quiet period") {
  test::TempTree t;
  t.add("a.lua");
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root(), 300ms);
    int fd = ::open(t.path("a.lua").c_str(), O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    for (int i = 0; i < 10; ++i) {
      std::string line = "x" + std::to_string(i) + " = 1\n";
      REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
      co_await sleep(5ms);  // a burst: each write well inside the quiet period
    }
    ::close(fd);
    // Created and deleted inside one burst: nothing to report.
    t.add("flash.lua");
    std::filesystem::remove(t.path("flash.lua"));
    auto started = Clock::now();
    auto got = co_await gather(w, 1);
    CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::changed, t.path("a.lua"))});
    CHECK(Clock::now() - started >= 250ms);  // it waited for the burst to end
  });
}

TEST_CASE("watch: a full kernel queue asks for a rescan") {
  int limit = 16384;
  if (FILE* f = std::fopen("/proc/sys/fs/inotify/max_queued_events", "r")) {
    if (std::fscanf(f, "%d", &limit) != 1) limit = 16384;
    std::fclose(f);
  }
  if (limit > 100000) {
    return test::skip_because("max_queued_events is " + std::to_string(limit) +
                              ": overflowing it would take too long");
  }
  test::TempTree t;
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    Watcher w = co_await open_watcher(t.root());
    // More events than the queue holds, before the watcher reads any: writes alternating
    // between two files, so the kernel cannot merge one event into the one before it.
    int fds[2] = {::open(t.path("a.txt").c_str(), O_CREAT | O_WRONLY, 0644),
                  ::open(t.path("b.txt").c_str(), O_CREAT | O_WRONLY, 0644)};
    REQUIRE((fds[0] >= 0 && fds[1] >= 0));
    int written = 0;
    for (int i = 0; i <= limit + 2; ++i) written += ::write(fds[i % 2], "x", 1) == 1;
    CHECK(written == limit + 3);
    ::close(fds[0]);
    ::close(fds[1]);
    auto got = co_await gather(w, 1);
    CHECK(std::count(got.begin(), got.end(), ev(ChangeKind::rescan, "")) == 1);
  });
}

TEST_CASE("watch: a missing root is an error") {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    WatchOptions o;
    o.roots = {"/nonexistent/moonring-watch"};
    auto w = co_await Watcher::open(o);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().message() == "watch /nonexistent/moonring-watch: No such file or directory");
  });
}

TEST_CASE("watch: cancelling a wait and dropping the watcher leaks no descriptor") {
  test::TempTree t;
  t.add("d/e/f/a.lua");
  auto rt = test::start_runtime();
  std::size_t before = open_inotify_fds();
  rt->block_on([&]() -> Task<void> {
    {
      Watcher w = co_await open_watcher(t.root());
      CHECK(w.watched_folders() == 4);
      CHECK(open_inotify_fds() == before + 1);
      auto r = co_await with_timeout(100ms, w.next(), "watch");
      REQUIRE_FALSE(r.ok());
      CHECK(is_timed_out(r.error()));
      // Still usable after a cancelled wait.
      t.add("b.lua");
      auto got = co_await gather(w, 1);
      CHECK(got == std::vector<WatchEvent>{ev(ChangeKind::created, t.path("b.lua"))});
    }
    {
      Watcher w = co_await open_watcher(t.root());
      auto r = co_await with_timeout(50ms, w.next(), "watch");
      CHECK_FALSE(r.ok());
      w.close();
      CHECK_FALSE(w.is_open());
    }
  });
  CHECK(open_inotify_fds() == before);
}

TEST_CASE("watch: stopping the runtime ends a pending wait") {
  test::TempTree t;
  auto rt = test::start_runtime();
  std::size_t before = open_inotify_fds();
  auto ended = std::make_shared<std::atomic<bool>>(false);
  auto waiting = std::make_shared<std::promise<void>>();
  auto watching = waiting->get_future();
  rt->post(0, Message([root = t.root(), ended, waiting] {
             spawn_detached(watch_until_cancelled(root, ended, waiting));
           }));
  watching.wait();  // the stop must find the task in next(), not still opening the watcher
  rt->request_stop();
  rt->join();
  CHECK(*ended);
  CHECK(open_inotify_fds() == before);
}
