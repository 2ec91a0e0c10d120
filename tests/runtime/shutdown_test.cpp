// Shutdown: a stop request cancels what is outstanding, lets tasks finish and joins the workers,
// leaving no descriptor behind; SIGTERM does the same when the runtime handles signals.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "runtime/event.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
int open_fd_count() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d)) ++n;
  closedir(d);
  return n;
}

// A server that accepts and reads until it is cancelled; reports how it ended. `reading` is set
// once a reader is about to wait in its first receive.
Task<void> serve(TcpListener listener, std::shared_ptr<std::atomic<int>> finished,
                 std::shared_ptr<Event> reading) {
  for (;;) {
    auto s = co_await listener.accept();
    if (!s) break;
    spawn_detached([](TcpStream c, std::shared_ptr<std::atomic<int>> f,
                      std::shared_ptr<Event> started) -> Task<void> {
      started->set();  // its waiter runs after this task has suspended in receive()
      for (;;) {
        auto lease = co_await c.receive();
        if (!lease || lease->empty()) break;
      }
      ++*f;
    }(std::move(*s), finished, reading));
  }
  ++*finished;
}
}  // namespace

TEST_CASE("request_stop cancels accepts and reads, finishes tasks and joins") {
  int fds_before = open_fd_count();
  auto finished = std::make_shared<std::atomic<int>>(0);
  auto reading = std::make_shared<Event>();
  {
    auto rt = test::start_runtime(2);
    uint16_t port = rt->block_on([finished, reading]() -> Task<uint16_t> {
      auto l = TcpListener::bind_loopback(0);
      REQUIRE(l.ok());
      uint16_t p = l->local_address().port();
      spawn_detached(serve(std::move(*l), finished, reading));
      co_return p;
    });
    // A client on the other core keeps a connection open.
    rt->block_on(
        [port]() -> Task<void> {
          auto c = co_await TcpStream::connect(SocketAddress::loopback(port));
          REQUIRE(c.ok());
          spawn_detached([](TcpStream held) -> Task<void> {
            (void)held;          // kept open until the stop
            co_await sleep(1h);  // cancelled by the stop
          }(std::move(*c)));
        },
        1);
    // The stop must find the server's reader waiting in receive().
    rt->block_on([reading]() -> Task<void> { co_await reading->wait(); });
    auto t0 = Clock::now();
    rt->request_stop();
    rt->join();
    CHECK(Clock::now() - t0 < 1500ms);  // finished by cancellation, not by the grace period
  }
  CHECK(finished->load() == 2);  // the accept loop and the reader both ended normally
  CHECK(open_fd_count() == fds_before);
}

TEST_CASE("SIGTERM stops a runtime that handles signals") {
  RuntimeConfig config;
  config.stop_on_signals = true;
  auto rt = test::start_runtime(1, config);
  rt->block_on([]() -> Task<void> {
    spawn_detached([]() -> Task<void> { co_await sleep(1h); }());
    co_return;
  });
  ::kill(::getpid(), SIGTERM);
  auto t0 = Clock::now();
  rt->join();
  CHECK(rt->stop_requested());
  CHECK(Clock::now() - t0 < 1500ms);
}

TEST_CASE("the grace period ends tasks that ignore cancellation") {
  RuntimeConfig config;
  config.shutdown_grace = 100ms;
  auto rt = Runtime::start([&] {
    config.cores = 1;
    return config;
  }());
  REQUIRE(rt.ok());
  (*rt)->block_on([]() -> Task<void> {
    spawn_detached([]() -> Task<void> {
      CancellationSource never;  // a token the stop does not reach
      co_await sleep(1h, never.token());
    }());
    co_return;
  });
  auto t0 = Clock::now();
  (*rt)->request_stop();
  (*rt)->join();
  auto waited = Clock::now() - t0;
  CHECK(waited >= 100ms);
  CHECK(waited < 2s);
}

TEST_CASE("block_on after the runtime stopped fails at once") {
  auto rt = test::start_runtime(2);
  rt->request_stop();
  rt->join();
  // On a thread of its own, so that a block_on that never returns fails this test instead of
  // hanging the suite.
  auto outcome = std::make_shared<std::promise<std::string>>();
  auto answer = outcome->get_future();
  std::thread caller([runtime = rt.get(), outcome] {
    try {
      runtime->block_on([]() -> Task<int> { co_return 1; }, 1);
      outcome->set_value("returned");
    } catch (const std::exception& e) {
      outcome->set_value(e.what());
    }
  });
  if (answer.wait_for(5s) != std::future_status::ready) {
    caller.detach();
    (void)rt.release();  // the stuck caller still uses it
    FAIL("block_on after stop did not return");
  }
  caller.join();
  CHECK(answer.get() == "block_on: the runtime has stopped");
}
