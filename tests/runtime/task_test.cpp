// Tasks: spawning, joining, when_all/when_any, task-local storage, 10,000 concurrent tasks.
#include <atomic>

#include "runtime/spawn.hpp"
#include "runtime/task_local.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
Task<int> add(int a, int b) {
  co_return a + b;
}
Task<int> nested(int depth) {
  if (depth == 0) co_return 0;
  co_return 1 + co_await nested(depth - 1);
}
Task<int> after(std::chrono::milliseconds d, int v) {
  co_await sleep(d);
  co_return v;
}
}  // namespace

TEST_CASE("a task returns its value through block_on") {
  auto rt = test::start_runtime();
  CHECK(rt->block_on([] { return add(2, 3); }) == 5);
}

TEST_CASE("long chains of awaited tasks") {
  // Symmetric transfer keeps this flat in optimised builds; unoptimised sanitizer builds do not
  // turn it into a tail call, so the depth stays modest.

  auto rt = test::start_runtime();
  CHECK(rt->block_on([] { return nested(5000); }) == 5000);
}

TEST_CASE("exceptions travel to the awaiting task") {
  auto rt = test::start_runtime();
  auto thrower = []() -> Task<int> {
    throw std::runtime_error("boom");
    co_return 1;
  };
  CHECK_THROWS_WITH(rt->block_on(thrower), "boom");
}

TEST_CASE("spawned tasks run concurrently and join") {
  auto rt = test::start_runtime();
  int v = rt->block_on([]() -> Task<int> {
    auto a = spawn(after(20ms, 1));
    auto b = spawn(after(10ms, 2));
    int x = co_await std::move(a);
    int y = co_await std::move(b);
    co_return x * 10 + y;
  });
  CHECK(v == 12);
}

TEST_CASE("detached tasks run to completion") {
  auto rt = test::start_runtime();
  int value = rt->block_on([]() -> Task<int> {
    auto shared = std::make_shared<int>(0);
    spawn_detached([](std::shared_ptr<int> s) -> Task<void> {
      co_await sleep(1ms);
      *s = 42;
    }(shared));
    co_await sleep(50ms);
    co_return *shared;
  });
  CHECK(value == 42);
}

TEST_CASE("10,000 concurrent tasks all finish") {
  auto rt = test::start_runtime();
  long total = rt->block_on([]() -> Task<long> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 10000; ++i) tasks.push_back(after(std::chrono::milliseconds(i % 7), i));
    auto values = co_await when_all(std::move(tasks));
    long sum = 0;
    for (int v : values) sum += v;
    co_return sum;
  });
  CHECK(total == 10000L * 9999 / 2);
}

TEST_CASE("when_all keeps the order of its tasks") {
  auto rt = test::start_runtime();
  auto values = rt->block_on([]() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    tasks.push_back(after(30ms, 1));
    tasks.push_back(after(1ms, 2));
    tasks.push_back(after(15ms, 3));
    co_return co_await when_all(std::move(tasks));
  });
  CHECK(values == std::vector<int>{1, 2, 3});
}

TEST_CASE("when_any returns the first and cancels the rest") {
  auto rt = test::start_runtime();
  auto start = Clock::now();
  auto first = rt->block_on([]() -> Task<FirstOf<int>> {
    std::vector<Task<int>> tasks;
    tasks.push_back(after(10s, 1));
    tasks.push_back(after(5ms, 2));
    tasks.push_back(after(10s, 3));
    co_return co_await when_any(std::move(tasks));
  });
  CHECK(first.index == 1);
  CHECK(first.value == 2);
  CHECK(Clock::now() - start < 5s);  // the 10 s sleepers were cancelled, not waited out
}

TEST_CASE("task-local values belong to their task and reach when_all children") {
  auto rt = test::start_runtime();
  static TaskLocal<int> request_id;
  auto ids = rt->block_on([]() -> Task<std::vector<int>> {
    request_id.set(7);
    auto other = spawn([]() -> Task<int> {
      request_id.set(9);
      co_await sleep(1ms);
      co_return *request_id.get();
    }());
    std::vector<Task<int>> children;
    children.push_back([]() -> Task<int> {
      co_await sleep(2ms);
      co_return *request_id.get();
    }());
    auto inherited = co_await when_all(std::move(children));
    int mine = *request_id.get();
    int theirs = co_await std::move(other);
    co_return std::vector<int>{mine, theirs, inherited[0]};
  });
  CHECK(ids == std::vector<int>{7, 9, 7});
}
