// Shutdown: a stop request cancels what is outstanding, lets tasks finish and joins the workers,
// leaving no descriptor behind; SIGTERM does the same when the runtime handles signals.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

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

// A server that accepts and reads until it is cancelled; reports how it ended.
Task<void> serve(TcpListener listener, std::shared_ptr<std::atomic<int>> finished) {
  for (;;) {
    auto s = co_await listener.accept();
    if (!s) break;
    spawn_detached([](TcpStream c, std::shared_ptr<std::atomic<int>> f) -> Task<void> {
      for (;;) {
        auto lease = co_await c.receive();
        if (!lease || lease->empty()) break;
      }
      ++*f;
    }(std::move(*s), finished));
  }
  ++*finished;
}
}  // namespace

TEST_CASE("request_stop cancels accepts and reads, finishes tasks and joins") {
  int fds_before = open_fd_count();
  auto finished = std::make_shared<std::atomic<int>>(0);
  {
    auto rt = test::start_runtime(2);
    uint16_t port = rt->block_on([finished]() -> Task<uint16_t> {
      auto l = TcpListener::bind_loopback(0);
      REQUIRE(l.ok());
      uint16_t p = l->local_address().port();
      spawn_detached(serve(std::move(*l), finished));
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
    std::this_thread::sleep_for(20ms);
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
