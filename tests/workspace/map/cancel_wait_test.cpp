// Waits on the loader and on the feed follow the task's ambient token: a stalled producer never
// keeps a task (and with it Runtime::join) waiting after request_stop or a timeout.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "runtime/io_op.hpp"
#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {

// How a waiting task ended: 0 still waiting, 1 cancelled, 2 anything else.
using Ending = std::atomic<int>;

// Runs `join` on a thread of its own and says whether it returned within `limit`; if not,
// `unstall` lets the producer go so that the join (and the test) can end.
template <class Unstall>
bool joined_within(Runtime& rt, std::chrono::milliseconds limit, Unstall unstall) {
  std::promise<void> joined;
  auto done = joined.get_future();
  std::thread joiner([&] {
    rt.join();
    joined.set_value();
  });
  const bool in_time = done.wait_for(limit) == std::future_status::ready;
  if (!in_time) unstall();
  joiner.join();
  return in_time;
}

// Starts `task` on core 0 and returns once it is about to wait: it sets `about_to_wait` right
// before its co_await, so the wait begins before the core looks at any later message.
void start_waiting(Runtime& rt, Task<void> task, std::promise<void>& about_to_wait) {
  auto waiting = about_to_wait.get_future();
  rt.post(0, Message([t = std::move(task)]() mutable { spawn_detached(std::move(t)); }));
  waiting.wait();
}

}  // namespace

TEST_CASE("a task in AsyncFile::get() of a stalled loader ends at request_stop") {
  test::TempDir dir;
  LoaderConfig config;
  config.start_paused = true;  // the stalled producer
  Loader loader(config);
  AsyncFile file = loader.load(dir.write("s.lua", "return 1\n"));
  auto rt = test::start_runtime(1);
  Ending outcome{0};
  std::promise<void> waiting;
  start_waiting(
      *rt,
      [](AsyncFile& f, Ending& out, std::promise<void>& w) -> Task<void> {
        w.set_value();
        const auto& r = co_await f.get();
        out = !r.ok() && is_cancelled(r.error()) ? 1 : 2;
      }(file, outcome, waiting),
      waiting);
  rt->request_stop();
  CHECK(joined_within(*rt, 1500ms, [&] { loader.resume(); }));
  CHECK(outcome == 1);
}

TEST_CASE("with_timeout around AsyncFile::get() of a stalled loader returns promptly") {
  test::TempDir dir;
  LoaderConfig config;
  config.start_paused = true;
  Loader loader(config);
  AsyncFile file = loader.load(dir.write("t.lua", "return 2\n"));
  auto rt = test::start_runtime(1);
  std::promise<void> finished;
  auto done = finished.get_future();
  std::thread watchdog([&] {
    if (done.wait_for(3s) != std::future_status::ready) loader.resume();
  });
  auto start = std::chrono::steady_clock::now();
  auto message = rt->block_on([&]() -> Task<std::string> {
    auto r = co_await with_timeout(
        50ms,
        [](AsyncFile& f) -> Task<Result<std::size_t>> {
          const auto& content = co_await f.get();
          if (!content.ok()) co_return content.error();
          co_return content->bytes().size();
        }(file),
        "get t.lua");
    co_return r.ok() ? std::string("loaded") : r.error().message();
  });
  auto waited = std::chrono::steady_clock::now() - start;
  finished.set_value();
  watchdog.join();
  CHECK(message == "get t.lua: timed out");
  CHECK(waited < 1s);
  // The file is still there to be loaded, and a later get() gets it.
  loader.resume();
  auto later = rt->block_on([&]() -> Task<std::string> {
    const auto& r = co_await file.get();
    co_return r.ok() ? std::string(r->text()) : r.error().message();
  });
  CHECK(later == "return 2\n");
}

TEST_CASE("a task in FileFeed::take() of a stalled feed ends at request_stop") {
  FileFeed feed;  // nobody pushes, nobody closes: the stalled producer
  auto rt = test::start_runtime(1);
  Ending outcome{0};
  std::promise<void> waiting;
  start_waiting(
      *rt,
      [](FileFeed& f, Ending& out, std::promise<void>& w) -> Task<void> {
        w.set_value();
        auto index = co_await f.take();
        out = !index && current_token().cancelled() ? 1 : 2;
      }(feed, outcome, waiting),
      waiting);
  rt->request_stop();
  CHECK(joined_within(*rt, 1500ms, [&] { feed.close(); }));
  CHECK(outcome == 1);
}

TEST_CASE("with_timeout around FileFeed::take() of a stalled feed returns promptly") {
  test::TempDir dir;
  Loader loader;
  FileFeed feed;
  auto rt = test::start_runtime(1);
  std::promise<void> finished;
  auto done = finished.get_future();
  std::atomic<bool> closed_by_watchdog{false};
  std::thread watchdog([&] {
    if (done.wait_for(3s) != std::future_status::ready) {
      closed_by_watchdog = true;
      feed.close();
    }
  });
  auto start = std::chrono::steady_clock::now();
  auto message = rt->block_on([&]() -> Task<std::string> {
    auto r = co_await with_timeout(
        50ms,
        [](FileFeed& f) -> Task<Result<std::size_t>> {
          auto index = co_await f.take();
          if (!index) co_return runtime_error(RuntimeErrc::cancelled, "take");
          co_return *index;
        }(feed),
        "take a file");
    co_return r.ok() ? std::string("taken") : r.error().message();
  });
  auto waited = std::chrono::steady_clock::now() - start;
  finished.set_value();
  watchdog.join();
  CHECK(message == "take a file: timed out");
  CHECK(waited < 1s);
  if (closed_by_watchdog) return;  // failed above; the feed takes no more files
  // The task that gave up took nothing: the next file pushed goes to the next taker.
  feed.push(loader.load(dir.write("n.lua", "n = 1\n")));
  feed.close();
  auto taken = rt->block_on([&]() -> Task<int> {
    auto index = co_await feed.take();
    co_return index ? static_cast<int>(*index) : -1;
  });
  CHECK(taken == 0);
}
