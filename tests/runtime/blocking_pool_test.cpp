// The blocking pool: a job still queued is cancelled by the task's token; a job that is running
// and never returns does not keep Runtime::join() past the grace period; pool threads (and every
// thread started through start_thread) have SIGINT and SIGTERM blocked.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/thread.hpp"
#include "runtime/timer.hpp"
#include "tests/pinned_cpus.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/skip.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {

// A job's hold: the job blocks until released. Shared, since a job left behind at shutdown may
// outlive the test's scope by a moment.
struct Gate {
  std::promise<void> entered;
  std::promise<void> open;
  std::shared_future<void> opened = open.get_future().share();
  std::once_flag released;
  void release() {
    std::call_once(released, [this] { open.set_value(); });
  }
};

std::unique_ptr<Runtime> runtime_with(unsigned blocking_threads, std::chrono::milliseconds grace) {
  RuntimeConfig config;
  config.cores = 1;
  config.blocking_threads = blocking_threads;
  config.shutdown_grace = grace;
  auto rt = Runtime::start(config);
  if (!rt) FAIL("runtime did not start: " << rt.error().message());
  return std::move(*rt);
}

// Starts a root task on core 0 that runs a job blocking on `gate` until it is released.
void start_stalled_job(Runtime& rt, const std::shared_ptr<Gate>& gate) {
  auto entered = gate->entered.get_future();
  rt.post(0, Message([gate] {
            spawn_detached([](std::shared_ptr<Gate> g) -> Task<void> {
              auto job = [g]() -> Result<int> {
                g->entered.set_value();
                g->opened.wait();
                return 1;
              };
              co_await run_blocking(std::move(job));
            }(gate));
          }));
  entered.wait();  // the job is running on the pool
}

bool stop_signals_blocked() {
  sigset_t set;
  sigemptyset(&set);
  pthread_sigmask(SIG_BLOCK, nullptr, &set);
  return sigismember(&set, SIGINT) == 1 && sigismember(&set, SIGTERM) == 1;
}

}  // namespace

TEST_CASE("with_timeout around a queued run_blocking returns promptly") {
  auto rt = runtime_with(1, 2000ms);
  auto gate = std::make_shared<Gate>();
  start_stalled_job(*rt, gate);  // the only pool thread is taken
  std::promise<void> finished;
  auto done = finished.get_future();
  std::thread watchdog([&] {
    if (done.wait_for(3s) != std::future_status::ready) gate->release();
  });
  auto ran = std::make_shared<std::atomic<bool>>(false);
  auto start = std::chrono::steady_clock::now();
  auto message = rt->block_on([ran]() -> Task<std::string> {
    auto r = co_await with_timeout(
        50ms,
        [](std::shared_ptr<std::atomic<bool>> flag) -> Task<Result<int>> {
          // A named job: GCC 12 destroys some temporaries of a co_await expression twice.
          auto job = [flag]() -> Result<int> {
            *flag = true;
            return 2;
          };
          co_return co_await run_blocking(std::move(job));
        }(ran),
        "queued job");
    co_return r.ok() ? std::string("ran") : r.error().message();
  });
  auto waited = std::chrono::steady_clock::now() - start;
  finished.set_value();
  watchdog.join();
  CHECK(message == "queued job: timed out");
  CHECK(waited < 1s);
  gate->release();
  rt.reset();  // the pool ends: the cancelled job must not have run
  CHECK_FALSE(*ran);
}

TEST_CASE("a running job that never returns does not hold join() past the grace period") {
  auto rt = runtime_with(1, 300ms);
  auto gate = std::make_shared<Gate>();
  start_stalled_job(*rt, gate);
  auto start = std::chrono::steady_clock::now();
  rt->request_stop();
  std::promise<void> joined;
  auto done = joined.get_future();
  std::thread joiner([&] {
    rt->join();
    joined.set_value();
  });
  const bool in_time = done.wait_for(3s) == std::future_status::ready;
  if (!in_time) gate->release();
  joiner.join();
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(in_time);
  CHECK(waited >= 300ms);  // the job had its grace period
  rt.reset();              // leaves the job behind rather than wait for it
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  gate->release();  // the job ends afterwards and writes into nothing that is gone
}

TEST_CASE("pool threads block SIGINT and SIGTERM") {
  auto rt = test::start_runtime(1);
  bool blocked =
      rt->block_on([]() -> Task<bool> { co_return co_await run_blocking(stop_signals_blocked); });
  CHECK(blocked);
}

TEST_CASE("start_thread starts a thread with SIGINT and SIGTERM blocked") {
  REQUIRE_FALSE(stop_signals_blocked());  // the test's own thread: nothing blocked
  std::promise<bool> reported;
  auto answer = reported.get_future();
  std::thread t = start_thread([&] { reported.set_value(stop_signals_blocked()); });
  t.join();
  CHECK(answer.get());
  CHECK_FALSE(stop_signals_blocked());  // and the caller's mask is as it was
}

TEST_CASE("start_thread from a thread pinned to one CPU starts a thread on every CPU") {
  // A runtime core is pinned to one CPU; the language service starts its loader and walk threads
  // from one, and they inherited the pin.
  if (test::cpu_count(true) < 2) return test::skip_because("one CPU: nothing to spread over");
  const test::PinnedStart run = test::start_from_pinned_thread(
      [](const std::function<void()>& body) {
        std::thread helper = start_thread(body);
        helper.join();
      },
      [] { return test::cpu_count(); });
  CHECK(run.pinned == 1);
  CHECK(run.started == test::cpu_count(true));
}
