// Cross-core work: submit_to, spawn_on, a ping-pong of messages between two cores, and the
// caller's cancellation reaching the task on the other core.
#include <atomic>

#include "runtime/cross_core.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

TEST_CASE("submit_to runs the task on the other core") {
  auto rt = test::start_runtime(2);
  auto cores = rt->block_on([]() -> Task<std::pair<unsigned, unsigned>> {
    unsigned here = Core::current()->id();
    unsigned there =
        co_await submit_to(1, []() -> Task<unsigned> { co_return Core::current()->id(); });
    co_return std::pair{here, there};
  });
  CHECK(cores.first == 0);
  CHECK(cores.second == 1);
}

namespace {
// Bounces a counter between two cores `rounds` times; each hop is a message.
Task<int> ping(int remaining) {
  if (remaining == 0) co_return 0;
  unsigned other = Core::current()->id() == 0 ? 1 : 0;
  int rest = co_await submit_to(other, [remaining] { return ping(remaining - 1); });
  co_return rest + 1;
}
}  // namespace

TEST_CASE("cross-core ping-pong") {
  auto rt = test::start_runtime(2);
  CHECK(rt->block_on([] { return ping(2000); }) == 2000);
}

TEST_CASE("many messages in flight between cores overflow the queue without loss") {
  auto rt = test::start_runtime(2);
  long sum = rt->block_on([]() -> Task<long> {
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < 5000; ++i)  // more than one queue's capacity at once
      handles.push_back(spawn_on(1, [i]() -> Task<int> { co_return i; }));
    long s = 0;
    for (auto& h : handles) s += co_await std::move(h);
    co_return s;
  });
  CHECK(sum == 5000L * 4999 / 2);
}

TEST_CASE("block_on can target any core") {
  auto rt = test::start_runtime(2);
  CHECK(rt->block_on([]() -> Task<unsigned> { co_return Core::current()->id(); }, 1) == 1);
}

TEST_CASE("an exception on another core reaches the caller") {
  auto rt = test::start_runtime(2);
  auto f = []() -> Task<int> {
    co_return co_await submit_to(1, []() -> Task<int> {
      throw std::runtime_error("far away");
      co_return 0;
    });
  };
  CHECK_THROWS_WITH(rt->block_on(f), "far away");
}

namespace {
// Sleeps `d` on whatever core runs it; an error when its ambient token was cancelled first.
Task<Result<void>> remote_sleep(std::chrono::milliseconds d) {
  bool fired = co_await sleep(d);
  if (!fired) co_return runtime_error(RuntimeErrc::cancelled, "remote sleep");
  co_return Result<void>{};
}
}  // namespace

TEST_CASE("a timeout around submit_to cancels the task on the other core") {
  auto rt = test::start_runtime(2);
  auto [message, waited] = rt->block_on([]() -> Task<std::pair<std::string, Clock::duration>> {
    auto t0 = Clock::now();
    auto r =
        co_await with_timeout(20ms, submit_to(1, [] { return remote_sleep(3s); }), "remote work");
    co_return std::pair{r.ok() ? std::string("finished") : r.error().message(), Clock::now() - t0};
  });
  CHECK(message == "remote work: timed out");
  CHECK(waited < 1s);  // a loaded machine may be slow; uncancelled it takes 3 s
}

TEST_CASE("when_any cancels a losing submit_to on the other core") {
  auto rt = test::start_runtime(2);
  auto [winner, waited] = rt->block_on([]() -> Task<std::pair<std::size_t, Clock::duration>> {
    auto t0 = Clock::now();
    std::vector<Task<Result<void>>> racers;
    racers.push_back(submit_to(1, [] { return remote_sleep(3s); }));
    racers.push_back(remote_sleep(10ms));
    auto first = co_await when_any(std::move(racers));
    co_return std::pair{first.index, Clock::now() - t0};
  });
  CHECK(winner == 1);
  CHECK(waited < 1s);  // a loaded machine may be slow; uncancelled it takes 3 s
}

TEST_CASE("a remote task that finishes while its cancellation travels is joined normally") {
  // The cancellation message reaches the other core after the task there has ended (and its
  // source is gone): it must find nothing to cancel, and the joiner gets the value.
  auto rt = test::start_runtime(2);
  int total = rt->block_on([]() -> Task<int> {
    int sum = 0;
    for (int i = 0; i < 200; ++i) {
      std::vector<Task<Result<int>>> racers;
      racers.push_back(submit_to(1, [i]() -> Task<Result<int>> { co_return i; }));
      racers.push_back([]() -> Task<Result<int>> { co_return -1; }());
      auto first = co_await when_any(std::move(racers));
      if (first.index == 0 && first.value.ok()) sum += *first.value;
    }
    co_return sum;
  });
  CHECK(total == 0);  // the local racer always wins: it finishes in the turn it starts
}
