// A small pool of threads for work that cannot be asynchronous (a blocking system call, a
// library that blocks); a core awaits it without blocking itself.
#pragma once

#include <condition_variable>
#include <coroutine>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "runtime/core.hpp"
#include "runtime/outcome.hpp"

namespace moonring {

class BlockingPool {
 public:
  explicit BlockingPool(unsigned threads);
  ~BlockingPool();  // finishes queued jobs, then joins
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  void enqueue(std::function<void()> job);

 private:
  void worker();
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

BlockingPool& current_blocking_pool();

// co_await run_blocking(fn): fn() runs on the blocking pool; the awaiting task resumes on its
// own core with fn's value (or its exception). The core counts the job as in flight, so the
// awaiting frame is never dropped while the pool thread may still write its result.
template <typename F>
auto run_blocking(F fn) {
  using T = std::invoke_result_t<F&>;
  struct Awaiter {
    F fn;
    Outcome<T> outcome;
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      Core* core = Core::current();
      TaskContext* ctx = core->context();
      core->external_started();
      current_blocking_pool().enqueue([this, core, ctx, h] {
        try {
          if constexpr (std::is_void_v<T>) {
            fn();
            outcome.set_value();
          } else {
            outcome.set_value(fn());
          }
        } catch (...) {
          outcome.set_exception(std::current_exception());
        }
        core->post(Message([core, ctx, h] {
          core->external_finished();
          core->schedule(h, ctx);
        }));
      });
    }
    T await_resume() { return std::move(outcome).take(); }
  };
  return Awaiter{std::move(fn), {}};
}

}  // namespace moonring
