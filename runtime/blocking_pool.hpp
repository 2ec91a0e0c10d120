// A small pool of threads for work that cannot be asynchronous (a blocking system call, a
// library that blocks); a core awaits it without blocking itself.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/outcome.hpp"
#include "runtime/result.hpp"

namespace moonring {

// One job for the pool. work() runs on a pool thread; then deliver() hands its result to whoever
// waits (a message to a core), under the pool's lock so that it never runs once the pool has
// shut down: a job still running then gets abandoned() instead, since nobody is left to tell.
class BlockingJob {
 public:
  virtual ~BlockingJob() = default;
  virtual void work() = 0;
  virtual void deliver() = 0;
  virtual void abandoned() {}
  // For the line printed when the job is still running at shutdown ("openat /tmp/fifo").
  virtual std::string describe() const { return "run_blocking"; }
};

class BlockingPool {
 public:
  using JobId = uint64_t;

  explicit BlockingPool(unsigned threads);
  // Drops the queued jobs. A job still running (a stuck system call) is left behind on its
  // thread with one line on stderr: it never delivers, and the process is not kept waiting.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  JobId enqueue(std::unique_ptr<BlockingJob> job);
  // Removes a job no thread has started yet (it is destroyed unrun); false once one has, and
  // then it delivers as usual.
  bool cancel_queued(JobId id);
  // What the running jobs are, for a line about a stuck shutdown.
  std::string describe_running() const;

  struct State;  // shared with the threads, so that a thread left behind never outlives it

 private:
  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;
};

BlockingPool& current_blocking_pool();

namespace detail {
template <typename T>
struct is_result_value : std::false_type {};
template <typename T>
struct is_result_value<Result<T>> : std::true_type {};
}  // namespace detail

// co_await run_blocking(fn): fn() runs on the blocking pool; the awaiting task resumes on its
// own core with fn's value (or its exception). The core counts the job as in flight, so the
// awaiting frame is never dropped while the pool thread may still write its result (fn may use
// the frame too). When fn returns a Result, the task's ambient token cancels a job that has not
// started: the task resumes at once with a cancellation error and fn never runs. A job that has
// started runs to its end (the pool cannot interrupt it); at shutdown, past the grace period,
// its core leaves it behind rather than wait (see Core::run).
template <typename F>
auto run_blocking(F fn) {
  using T = std::invoke_result_t<F&>;
  constexpr bool kCancellable = detail::is_result_value<T>::value;
  struct Awaiter {
    struct Job final : BlockingJob {
      explicit Job(Awaiter* a) : awaiter(a) {}
      void work() override {
        try {
          if constexpr (std::is_void_v<T>) {
            awaiter->fn();
            awaiter->outcome.set_value();
          } else {
            awaiter->outcome.set_value(awaiter->fn());
          }
        } catch (...) {
          awaiter->outcome.set_exception(std::current_exception());
        }
      }
      void deliver() override {
        Core* core = awaiter->core;
        core->post(Message([core, h = awaiter->handle, ctx = awaiter->context] {
          core->external_finished();
          core->schedule(h, ctx);
        }));
      }
      Awaiter* awaiter;
    };

    F fn;
    Outcome<T> outcome{};
    Core* core = nullptr;
    std::coroutine_handle<> handle{};
    TaskContext* context = nullptr;
    BlockingPool* pool = nullptr;
    BlockingPool::JobId id = 0;
    CancelRegistration registration{};
    bool cancelled = false;

    bool await_ready() noexcept {
      if constexpr (kCancellable) cancelled = Core::current()->token().cancelled();
      return cancelled;
    }
    void await_suspend(std::coroutine_handle<> h) {
      core = Core::current();
      handle = h;
      context = core->context();
      pool = &current_blocking_pool();
      core->external_started();
      id = pool->enqueue(std::make_unique<Job>(this));
      // The job can only resume us through a message to this core, which runs after this.
      if constexpr (kCancellable) {
        if (core->token().can_be_cancelled())
          registration.attach(core->token(), &Awaiter::cancel_requested, this);
      }
    }
    T await_resume() {
      registration.reset();
      if constexpr (kCancellable) {
        if (cancelled) return T(runtime_error(RuntimeErrc::cancelled, "blocking job"));
      }
      return std::move(outcome).take();
    }
    static void cancel_requested(void* self) {
      auto* a = static_cast<Awaiter*>(self);
      if (!a->pool->cancel_queued(a->id)) return;  // running: it delivers when it ends
      a->cancelled = true;
      a->core->external_finished();
      a->core->schedule(a->handle, a->context);
    }
  };
  return Awaiter{std::move(fn)};
}

}  // namespace moonring
