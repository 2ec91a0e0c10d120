// Timers: sleep, timeouts around any operation, and interval timers. A core keeps its timers in
// user space (timer_heap.hpp) and sleeps in the backend until the nearest deadline.
#pragma once

#include <chrono>
#include <coroutine>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring {

// co_await sleep_until(t): true when the deadline passed, false when cancelled first.
class SleepAwaiter {
 public:
  SleepAwaiter(Clock::time_point deadline, CancellationToken token) : token_(std::move(token)) {
    entry_.deadline = deadline;
  }
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;
  SleepAwaiter(SleepAwaiter&& o) noexcept : entry_(o.entry_), token_(std::move(o.token_)) {}
  ~SleepAwaiter() {
    // A frame dropped at shutdown leaves no timer pointing into it.
    if (core_) core_->remove_timer(&entry_);
  }

  bool await_ready() noexcept { return token_.cancelled(); }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    core_ = Core::current();
    waiter_ = h;
    context_ = core_->context();
    entry_.on_fire = &SleepAwaiter::fired;
    entry_.owner = this;
    core_->add_timer(&entry_);
    if (token_.can_be_cancelled()) registration_.attach(token_, &SleepAwaiter::cancelled, this);
  }
  bool await_resume() noexcept {
    registration_.reset();
    return fired_;
  }

 private:
  static SleepAwaiter* self(TimerEntry* e) { return static_cast<SleepAwaiter*>(e->owner); }
  static void fired(TimerEntry* e) {
    SleepAwaiter* a = self(e);
    a->fired_ = true;
    a->registration_.reset();
    a->core_->schedule(a->waiter_, a->context_);
  }
  static void cancelled(void* p) {
    auto* a = static_cast<SleepAwaiter*>(p);
    a->core_->remove_timer(&a->entry_);
    a->core_->schedule(a->waiter_, a->context_);
  }

  TimerEntry entry_;
  CancellationToken token_;
  CancelRegistration registration_;
  Core* core_ = nullptr;
  std::coroutine_handle<> waiter_;
  TaskContext* context_ = nullptr;
  bool fired_ = false;
};

inline SleepAwaiter sleep_until(Clock::time_point deadline) {
  return SleepAwaiter(deadline, Core::current()->token());
}
inline SleepAwaiter sleep_until(Clock::time_point deadline, CancellationToken token) {
  return SleepAwaiter(deadline, std::move(token));
}
template <typename Rep, typename Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> d) {
  return sleep_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(d));
}
template <typename Rep, typename Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> d, CancellationToken token) {
  return sleep_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(d),
                     std::move(token));
}

namespace detail {
template <typename T>
struct is_result : std::false_type {};
template <typename T>
struct is_result<Result<T>> : std::true_type {};

// While a timed operation runs, the task's ambient token is a child of the old one that the
// timer cancels; this swaps it in and back.
class AmbientTokenScope {
 public:
  explicit AmbientTokenScope(const CancellationToken& token)
      : context_(Core::current()->context()), saved_(context_->token) {
    context_->token = token;
  }
  ~AmbientTokenScope() { context_->token = std::move(saved_); }
  AmbientTokenScope(const AmbientTokenScope&) = delete;
  AmbientTokenScope& operator=(const AmbientTokenScope&) = delete;

 private:
  TaskContext* context_;
  CancellationToken saved_;
};
}  // namespace detail

// Run `task` with a time limit. When the limit passes, every operation in it that uses the
// ambient token is cancelled, and the result is the error "<what>: timed out" (RuntimeErrc::
// timed_out) instead of the cancellation the task saw. The task always finishes before
// with_timeout returns, so nothing it owns is left in the kernel's hands.
template <typename T, typename Rep, typename Period>
requires detail::is_result<T>::value Task<T> with_timeout(std::chrono::duration<Rep, Period> limit,
                                                          Task<T> task, std::string what) {
  Core* core = Core::current();
  CancellationSource source(core->token());
  // Removes itself from the core's timers however the frame ends (shutdown drops frames).
  struct Timer {
    Core* core;
    CancellationSource* source;
    TimerEntry entry;
    bool fired = false;
    ~Timer() { core->remove_timer(&entry); }
  } timer{core, &source, {}};
  timer.entry.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(limit);
  timer.entry.owner = &timer;
  timer.entry.on_fire = [](TimerEntry* e) {
    auto* t = static_cast<Timer*>(e->owner);
    t->fired = true;
    t->source->cancel();
  };
  core->add_timer(&timer.entry);
  std::optional<T> result;
  {
    detail::AmbientTokenScope scope(source.token());
    result.emplace(co_await std::move(task));
  }
  if (timer.fired && !result->ok())
    co_return runtime_error(RuntimeErrc::timed_out, std::move(what));
  co_return std::move(*result);
}

// Fires every `period`, on a fixed schedule (missed ticks are skipped, not bunched up).
class Interval {
 public:
  explicit Interval(Clock::duration period) : period_(period), next_(Clock::now() + period) {}
  // Waits for the next tick; false when cancelled.
  Task<bool> tick() {
    bool fired = co_await sleep_until(next_);
    auto now = Clock::now();
    next_ += period_;
    if (next_ <= now) next_ = now + period_ - (now - next_) % period_;
    co_return fired;
  }

 private:
  Clock::duration period_;
  Clock::time_point next_;
};

}  // namespace moonring
