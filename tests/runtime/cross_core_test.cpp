// Cross-core work: submit_to, spawn_on and a ping-pong of messages between two cores.
#include <atomic>

#include "runtime/cross_core.hpp"
#include "runtime/timer.hpp"
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
