// Sharded<T>: an instance per core, built, called and destroyed on its own core; calls with
// values and exceptions, on every core, map_reduce, stop after the calls in flight, and the
// caller's cancellation reaching the cores it called.
#include <array>
#include <atomic>
#include <string>
#include <thread>

#include "runtime/sharded.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {

constexpr unsigned kCores = 4;

// What the instances saw, per core; read by the test thread after the runtime's messages have
// ordered the writes before it.
struct Log {
  std::array<std::atomic<int>, kCores> built{};
  std::array<std::atomic<int>, kCores> destroyed{};
  std::array<std::atomic<bool>, kCores> destroyed_on_own_thread{};
  std::array<std::atomic<int>, kCores> visits{};
  std::array<std::atomic<bool>, kCores> call_cancelled{};
  // Steps numbered in the order they happened, per core.
  std::atomic<int> sequence{0};
  std::atomic<int> call_ended_at{0};
  std::array<std::atomic<int>, kCores> stop_ran_at{};
  std::array<std::atomic<int>, kCores> destroyed_at{};
};
Log* trace = nullptr;  // the running test case's

// A service instance that knows where it was built.
struct Probe {
  Probe(std::string label, int base)
      : core(Core::current()->id()),
        thread(std::this_thread::get_id()),
        name(std::move(label)),
        value(base + static_cast<int>(core)) {
    ++trace->built[core];
  }
  ~Probe() {
    // Core::current() is null off the runtime's threads: this must run on the instance's core.
    Core* here = Core::current();
    unsigned on = here ? here->id() : kCores;
    if (on < kCores) ++trace->destroyed[on];
    trace->destroyed_on_own_thread[core] = on == core && std::this_thread::get_id() == thread;
    trace->destroyed_at[core] = ++trace->sequence;
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // True when the calling code runs on this instance's core and thread.
  bool here() const {
    return Core::current()->id() == core && std::this_thread::get_id() == thread;
  }

  unsigned core;
  std::thread::id thread;
  std::string name;
  int value;
};

// A fresh trace per test case.
struct LogScope {
  Log storage;
  LogScope() { trace = &storage; }
  ~LogScope() { trace = nullptr; }
};

struct Where {
  unsigned built_core;
  unsigned ran_core;
  bool on_own_thread;
  bool is_local;
};

// Sleeps on the instance's core; records whether the sleep was cancelled.
Task<Result<int>> sleep_on(Probe& p, Clock::duration d) {
  bool fired = co_await sleep(d);
  if (!fired) {
    trace->call_cancelled[p.core] = true;
    co_return runtime_error(RuntimeErrc::cancelled, "sleep on core " + std::to_string(p.core));
  }
  co_return static_cast<int>(p.core);
}

}  // namespace

TEST_CASE("Sharded builds each instance on its own core and runs calls there") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto seen = rt->block_on([]() -> Task<std::vector<Where>> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("index"), 100);
    std::vector<Where> where;
    for (unsigned core = 0; core < kCores; ++core)
      where.push_back(co_await probes.invoke_on(core, [&probes](Probe& p) {
        return Where{p.core, Core::current()->id(), p.here(), &p == &probes.local()};
      }));
    where.push_back(Where{probes.local().core, 0, probes.local().here(), true});
    co_await probes.stop();
    co_return where;
  });
  REQUIRE(seen.size() == kCores + 1);
  for (unsigned core = 0; core < kCores; ++core) {
    CHECK(seen[core].built_core == core);
    CHECK(seen[core].ran_core == core);
    CHECK(seen[core].on_own_thread);
    CHECK(seen[core].is_local);
    CHECK(trace->built[core] == 1);
  }
  CHECK(seen[kCores].built_core == 0);  // local() on the caller's core
  CHECK(seen[kCores].on_own_thread);
}

TEST_CASE("Sharded::start_with builds from a factory called on each core") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto names = rt->block_on([]() -> Task<std::string> {
    Sharded<Probe> probes;
    co_await probes.start_with(
        [](unsigned core) { return Probe("shard" + std::to_string(core), 0); });
    auto joined = co_await probes.map_reduce(
        [](Probe& p) { return p.here() ? p.name : std::string("elsewhere"); }, std::string(),
        [](std::string acc, std::string name) { return acc + name + ";"; });
    co_await probes.stop();
    co_return joined;
  });
  CHECK(names == "shard0;shard1;shard2;shard3;");
}

TEST_CASE("Sharded::invoke_on returns values and propagates exceptions") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto values = rt->block_on([]() -> Task<std::vector<int>> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("values"), 10);
    std::vector<int> v;
    v.push_back(co_await probes.invoke_on(2, [](Probe& p) { return p.value; }));
    // A coroutine: its value comes back once it has run on core 3.
    v.push_back(co_await probes.invoke_on(3, [](Probe& p) -> Task<int> {
      co_await sleep(1ms);
      co_return p.here() ? p.value * 2 : -1;
    }));
    co_await probes.invoke_on(1, [](Probe& p) { p.value = 99; });
    v.push_back(co_await probes.invoke_on(1, [](Probe& p) { return p.value; }));
    co_await probes.stop();
    co_return v;
  });
  CHECK(values == std::vector<int>{12, 26, 99});

  for (unsigned core : {0u, 3u}) {  // the caller's core runs inline, the other through a message
    CAPTURE(core);
    auto failing = [core]() -> Task<std::string> {
      Sharded<Probe> probes;
      co_await probes.start(std::string("throws"), 0);
      std::string message;
      try {
        co_await probes.invoke_on(core, [](Probe& p) -> int {
          throw std::runtime_error("failed on core " + std::to_string(p.core));
        });
      } catch (const std::runtime_error& e) {
        message = e.what();
      }
      // The failure left the instance usable.
      int after = co_await probes.invoke_on(core, [](Probe& p) { return p.value; });
      co_await probes.stop();
      co_return message + " then " + std::to_string(after);
    };
    CHECK(rt->block_on(failing) ==
          "failed on core " + std::to_string(core) + " then " + std::to_string(core));
  }
}

TEST_CASE("Sharded::invoke_on_all reaches every core exactly once") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto all_here = rt->block_on([]() -> Task<bool> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("all"), 0);
    co_await probes.invoke_on_all([](Probe& p) -> Task<void> {
      co_await sleep(1ms);
      ++trace->visits[Core::current()->id()];
      p.value = p.here() ? 1 : 0;
    });
    int here = co_await probes.map_reduce([](Probe& p) { return p.value; }, 0,
                                          [](int a, int b) { return a + b; });
    co_await probes.stop();
    co_return here == static_cast<int>(kCores);
  });
  CHECK(all_here);
  for (unsigned core = 0; core < kCores; ++core) CHECK(trace->visits[core] == 1);
}

TEST_CASE("Sharded::map_reduce sums per-core values on the caller's core") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto [sum, reduced_on] = rt->block_on([]() -> Task<std::pair<long, unsigned>> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("sum"), 1000);
    unsigned reducer_core = kCores;
    long total = co_await probes.map_reduce(
        [](Probe& p) -> Task<long> { co_return static_cast<long>(p.value) * p.value; }, 5L,
        [&reducer_core](long acc, long v) {
          reducer_core = Core::current()->id();
          return acc + v;
        });
    co_await probes.stop();
    co_return std::pair{total, reducer_core};
  });
  long expected = 5;
  for (long core = 0; core < kCores; ++core) expected += (1000 + core) * (1000 + core);
  CHECK(sum == expected);
  CHECK(reduced_on == 0);
}

TEST_CASE("Sharded::stop destroys each instance on its own core") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  rt->block_on([]() -> Task<void> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("stop"), 0);
    co_await probes.stop();
    co_await probes.stop();  // a second stop is a no-op
  });
  for (unsigned core = 0; core < kCores; ++core) {
    CHECK(trace->built[core] == 1);
    CHECK(trace->destroyed[core] == 1);
    CHECK(trace->destroyed_on_own_thread[core]);
  }
}

namespace {
// A service with an asynchronous stop, which runs on its core before the destructor.
struct Stoppable : Probe {
  Stoppable() : Probe("stoppable", 0) {}
  Task<void> stop() {
    co_await sleep(1ms);
    if (here()) trace->stop_ran_at[core] = ++trace->sequence;
  }
};
}  // namespace

TEST_CASE("Sharded::stop runs T::stop() on each core before destroying it") {
  LogScope scope;
  auto rt = test::start_runtime(2);
  rt->block_on([]() -> Task<void> {
    Sharded<Stoppable> services;
    co_await services.start();
    co_await services.stop();
  });
  for (unsigned core = 0; core < 2; ++core) {
    CAPTURE(core);
    CHECK(trace->destroyed[core] == 1);
    CHECK(trace->destroyed_on_own_thread[core]);
    CHECK(trace->stop_ran_at[core] > 0);
    CHECK(trace->stop_ran_at[core] < trace->destroyed_at[core]);
  }
}

TEST_CASE("Sharded::stop waits for the calls in flight and refuses new ones") {
  LogScope scope;
  auto rt = test::start_runtime(2);
  auto refused = rt->block_on([]() -> Task<std::string> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("in flight"), 0);
    Event started;  // on core 0
    Event gate;     // on core 1: the call waits for it
    auto call = spawn(probes.invoke_on(1, [&](Probe&) -> Task<void> {
      co_await submit_to(0, [&started]() -> Task<void> {
        started.set();
        co_return;
      });
      co_await gate.wait();
      trace->call_ended_at = ++trace->sequence;
    }));
    co_await started.wait();
    auto stopping = spawn(probes.stop());
    // Once stop has reached core 1, calls there are refused; the instance stays while the
    // first call runs.
    std::string message;
    for (int attempt = 0; attempt < 100000 && message.empty(); ++attempt) {
      try {
        co_await probes.invoke_on(1, [](Probe&) {});
      } catch (const std::logic_error& e) {
        message = e.what();
      }
    }
    bool destroyed_early = trace->destroyed[1] != 0;
    co_await submit_to(1, [&gate]() -> Task<void> {
      gate.set();
      co_return;
    });
    co_await std::move(call);
    co_await std::move(stopping);
    co_return destroyed_early ? std::string("destroyed while a call ran") : message;
  });
  CHECK(refused == "Sharded: no instance on core 1 (not started, or stopped)");
  CHECK(trace->call_ended_at > 0);
  CHECK(trace->call_ended_at < trace->destroyed_at[1]);
  CHECK(trace->destroyed[1] == 1);
  CHECK(trace->destroyed_on_own_thread[1]);
}

namespace {
struct ThrowsOnCore2 : Probe {
  ThrowsOnCore2() : Probe("throws", 0) {
    if (core == 2) throw std::runtime_error("cannot build on core 2");
  }
};
}  // namespace

TEST_CASE("Sharded::start destroys what it built when a constructor throws") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  CHECK_THROWS_WITH(rt->block_on([]() -> Task<void> {
    Sharded<ThrowsOnCore2> failing;
    co_await failing.start();
  }),
                    "cannot build on core 2");
  for (unsigned core = 0; core < kCores; ++core) {
    CAPTURE(core);
    CHECK(trace->built[core] == 1);  // Probe's part was built, on every core
    CHECK(trace->destroyed[core] == 1);
  }
}

// Cancellation: the caller's ambient token reaches the cores it calls. The remote cases rely on
// submit_to carrying the caller's cancellation across cores.

TEST_CASE("Sharded::start under a cancelled caller still builds every instance") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto values = rt->block_on([]() -> Task<int> {
    Sharded<Probe> probes;
    {
      CancellationSource cancelled;
      cancelled.cancel();
      detail::AmbientTokenScope ambient(cancelled.token());
      co_await probes.start(std::string("cancelled"), 1);
    }
    int sum = co_await probes.map_reduce([](Probe& p) { return p.here() ? p.value : -100; }, 0,
                                         [](int a, int b) { return a + b; });
    co_await probes.stop();
    co_return sum;
  });
  CHECK(values == 1 + 2 + 3 + 4);
  for (unsigned core = 0; core < kCores; ++core) {
    CHECK(trace->built[core] == 1);
    CHECK(trace->destroyed[core] == 1);
  }
}

TEST_CASE("a timeout around Sharded::invoke_on cancels the call on its core") {
  auto rt = test::start_runtime(2);
  for (unsigned core : {0u, 1u}) {
    LogScope scope;  // one per round
    CAPTURE(core);
    auto [message,
          waited] = rt->block_on([core]() -> Task<std::pair<std::string, Clock::duration>> {
      Sharded<Probe> probes;
      co_await probes.start(std::string("timeout"), 0);
      auto t0 = Clock::now();
      auto r = co_await with_timeout(
          20ms, probes.invoke_on(core, [](Probe& p) { return sleep_on(p, 600ms); }), "invoke_on");
      co_await probes.stop();  // waits for the call: quick only if it was cancelled
      co_return std::pair{r.ok() ? std::string("finished") : r.error().message(),
                          Clock::now() - t0};
    });
    CHECK(message == "invoke_on: timed out");
    CHECK(waited < 300ms);
    CHECK(trace->call_cancelled[core]);
  }
}

TEST_CASE("when_any cancels a losing Sharded::invoke_on") {
  LogScope scope;
  auto rt = test::start_runtime(2);
  auto [winner, waited] = rt->block_on([]() -> Task<std::pair<std::size_t, Clock::duration>> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("when_any"), 0);
    auto t0 = Clock::now();
    std::vector<Task<Result<int>>> racers;
    racers.push_back(probes.invoke_on(1, [](Probe& p) { return sleep_on(p, 600ms); }));
    racers.push_back([]() -> Task<Result<int>> {
      co_await sleep(10ms);
      co_return 7;
    }());
    auto first = co_await when_any(std::move(racers));
    co_await probes.stop();
    co_return std::pair{first.index, Clock::now() - t0};
  });
  CHECK(winner == 1);
  CHECK(waited < 300ms);
  CHECK(trace->call_cancelled[1]);
}

TEST_CASE("a timeout around invoke_on_all and map_reduce cancels every core's call") {
  LogScope scope;
  auto rt = test::start_runtime(kCores);
  auto [messages, waited] = rt->block_on([]() -> Task<std::pair<std::string, Clock::duration>> {
    Sharded<Probe> probes;
    co_await probes.start(std::string("all"), 0);
    auto t0 = Clock::now();
    auto all = [&probes]() -> Task<Result<void>> {
      co_await probes.invoke_on_all(
          [](Probe& p) -> Task<void> { (void)co_await sleep_on(p, 600ms); });
      co_return Result<void>{};
    };
    auto a = co_await with_timeout(20ms, all(), "invoke_on_all");
    auto reduce = [&probes]() -> Task<Result<int>> {
      co_return co_await probes.map_reduce(
          [](Probe& p) -> Task<int> {
            auto r = co_await sleep_on(p, 600ms);
            co_return r.ok() ? 1 : 0;
          },
          0, [](int x, int y) { return x + y; });
    };
    auto m = co_await with_timeout(20ms, reduce(), "map_reduce");
    co_await probes.stop();
    // A call that was not cancelled finishes its sleep: map_reduce gives a sum, not a timeout.
    std::string what = (a.ok() ? std::string("finished") : a.error().message()) + ", " +
                       (m.ok() ? "sum " + std::to_string(*m) : m.error().message());
    co_return std::pair{what, Clock::now() - t0};
  });
  CHECK(messages == "finished, sum 0");
  CHECK(waited < 500ms);
  for (unsigned core = 0; core < kCores; ++core) CHECK(trace->call_cancelled[core]);
}

TEST_CASE("a timeout around Sharded::stop cancels the calls it waits for") {
  auto rt = test::start_runtime(2);
  for (unsigned core : {0u, 1u}) {
    LogScope scope;  // one per round
    CAPTURE(core);
    auto waited = rt->block_on([core]() -> Task<Clock::duration> {
      Sharded<Probe> probes;
      co_await probes.start(std::string("stop timeout"), 0);
      Event started;  // on core 0
      // The call's own caller is not cancelled: only the stop's cancellation can end it.
      auto call = spawn(probes.invoke_on(core, [&started](Probe& p) -> Task<Result<int>> {
        co_await submit_to(0, [&started]() -> Task<void> {
          started.set();
          co_return;
        });
        co_return co_await sleep_on(p, 600ms);
      }));
      co_await started.wait();
      auto t0 = Clock::now();
      auto stop = [&probes]() -> Task<Result<void>> {
        co_await probes.stop();
        co_return Result<void>{};
      };
      (void)co_await with_timeout(20ms, stop(), "stop");
      auto waited_for_stop = Clock::now() - t0;
      (void)co_await std::move(call);
      co_return waited_for_stop;
    });
    CHECK(waited < 300ms);
    CHECK(trace->call_cancelled[core]);
    CHECK(trace->destroyed[core] == 1);
  }
}
