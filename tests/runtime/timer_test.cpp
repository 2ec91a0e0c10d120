// Timers: sleep, cancelling a sleep, timeouts around operations, intervals.
#include "runtime/timer.hpp"
#include "runtime/io_op.hpp"
#include "runtime/stdio.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

TEST_CASE("sleep waits at least its duration") {
  auto rt = test::start_runtime();
  auto elapsed = rt->block_on([]() -> Task<Clock::duration> {
    auto t0 = Clock::now();
    bool fired = co_await sleep(30ms);
    CHECK(fired);
    co_return Clock::now() - t0;
  });
  CHECK(elapsed >= 30ms);
  CHECK(elapsed < 2s);
}

TEST_CASE("a cancelled sleep returns early and says so") {
  auto rt = test::start_runtime();
  auto [fired, elapsed] = rt->block_on([]() -> Task<std::pair<bool, Clock::duration>> {
    CancellationSource source;
    auto t0 = Clock::now();
    auto canceller = spawn([](CancellationSource* s) -> Task<int> {
      co_await sleep(10ms);
      s->cancel();
      co_return 0;
    }(&source));
    bool f = co_await sleep(10s, source.token());
    co_await std::move(canceller);
    co_return std::pair{f, Clock::now() - t0};
  });
  CHECK_FALSE(fired);
  CHECK(elapsed < 5s);
}

TEST_CASE("timers fire in deadline order") {
  auto rt = test::start_runtime();
  auto order = rt->block_on([]() -> Task<std::vector<int>> {
    auto log = std::make_shared<std::vector<int>>();
    std::vector<JoinHandle<int>> handles;
    for (int i : {5, 1, 4, 2, 3})
      handles.push_back(spawn([](int n, std::shared_ptr<std::vector<int>> l) -> Task<int> {
        co_await sleep(std::chrono::milliseconds(n * 5));
        l->push_back(n);
        co_return n;
      }(i, log)));
    for (auto& h : handles) co_await std::move(h);
    co_return *log;
  });
  CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("with_timeout turns a stuck read into a timed-out error") {
  auto rt = test::start_runtime();
  auto message = rt->block_on([]() -> Task<std::string> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    std::byte buf[16];
    auto r = co_await with_timeout(20ms, pipe->read_end.read_some(buf), "read from a silent pipe");
    REQUIRE_FALSE(r.ok());
    CHECK(is_timed_out(r.error()));
    co_return r.error().message();
  });
  CHECK(message == "read from a silent pipe: timed out");
}

TEST_CASE("with_timeout passes through a result that arrives in time") {
  auto rt = test::start_runtime();
  auto n = rt->block_on([]() -> Task<std::size_t> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    auto w = co_await pipe->write_end.write_all(test::bytes("hi"));
    REQUIRE(w.ok());
    std::byte buf[16];
    auto r = co_await with_timeout(5s, pipe->read_end.read_some(buf), "read");
    REQUIRE(r.ok());
    co_return *r;
  });
  CHECK(n == 2);
}

TEST_CASE("an interval ticks on schedule") {
  auto rt = test::start_runtime();
  auto elapsed = rt->block_on([]() -> Task<Clock::duration> {
    Interval every(10ms);
    auto t0 = Clock::now();
    for (int i = 0; i < 5; ++i) {
      bool ticked = co_await every.tick();
      CHECK(ticked);
    }
    co_return Clock::now() - t0;
  });
  CHECK(elapsed >= 50ms);
  CHECK(elapsed < 3s);
}
