// The per-core event loop: run ready tasks, deliver messages, fire timers, wait for the kernel.
#include "runtime/core.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/runtime.hpp"

namespace moonring {

namespace {
thread_local Core* tls_current_core = nullptr;
constexpr std::size_t kTurnBudget = 1024;  // resumptions per loop turn before I/O is polled
}  // namespace

Core::Core(Runtime& runtime, unsigned id, std::unique_ptr<Backend> backend)
    : runtime_(runtime), id_(id), backend_(std::move(backend)) {
  root_context_.token = stop_.token();
}

Core::~Core() {
  // A thread outside the runtime may have handed over its message, seen it run (a block_on
  // caller then destroys the runtime) and still be about to wake this core: let it finish.
  while (foreign_posting_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

Core* Core::current() noexcept {
  return tls_current_core;
}

namespace detail {
Core* affinity_current_core() noexcept {
  return tls_current_core;
}
bool affinity_core_ended(const Core* core) noexcept {
  return core->loop_ended();
}
}  // namespace detail

bool Core::post(Message m) {
  Core* from = current();
  if (from == this) {
    local_messages_.push_back(std::move(m));
    return true;
  }
  if (from && &from->runtime_ == &runtime_) {
    from->outbound_[id_]->push(std::move(m));
    signal_messages();
    return true;
  }
  foreign_posting_.fetch_add(1, std::memory_order_acq_rel);
  bool accepted = foreign_.push(std::move(m));
  if (accepted) signal_messages();
  foreign_posting_.fetch_sub(1, std::memory_order_release);
  return accepted;
}

void Core::signal_messages() {
  uint32_t old = signal_.fetch_or(kHasMessages, std::memory_order_acq_rel);
  if ((old & kSleeping) && !(old & kHasMessages)) backend_->wake();
}

void Core::root_started(RootNode* root) {
  root->index = roots_.size();
  roots_.push_back(root);
}

void Core::root_finished(RootNode* root) {
  RootNode* last = roots_.back();
  roots_[root->index] = last;
  last->index = root->index;
  roots_.pop_back();
}

bool Core::has_messages() const {
  if (!local_messages_.empty() || foreign_.maybe_nonempty()) return true;
  for (const auto& q : inbound_)
    if (q && !q->empty()) return true;
  return false;
}

bool Core::drain_messages() {
  std::size_t ran = 0;
  auto run_one = [&](Message& m) {
    context_ = &root_context_;
    m();
    ++ran;
  };
  for (auto& q : inbound_)
    if (q) q->drain(run_one);
  if (foreign_.maybe_nonempty())
    for (Message& m : foreign_.take()) run_one(m);
  while (!local_messages_.empty()) {
    auto batch = std::exchange(local_messages_, {});
    for (Message& m : batch) run_one(m);
  }
  // Our own surplus into full queues of other cores.
  for (std::size_t to = 0; to < outbound_.size(); ++to) {
    SpscQueue* q = outbound_[to];
    if (q && q->has_overflow()) {
      q->flush_overflow();
      runtime_.core(static_cast<unsigned>(to)).backend().wake();
    }
  }
  return ran > 0;
}

bool Core::poll_until_ready() {
  auto limit = runtime_.config().poll_before_sleep;
  if (limit.count() <= 0) return false;
  auto until = Clock::now() + limit;
  do {
    backend_->wait(std::chrono::nanoseconds(0));
    if (!ready_.empty() || has_messages()) return true;
  } while (Clock::now() < until);
  return false;
}

bool Core::has_outbound_overflow() const {
  for (const SpscQueue* q : outbound_)
    if (q && q->has_overflow()) return true;
  return false;
}

void Core::fire_timers() {
  if (timers_.empty()) return;
  auto now = Clock::now();
  while (!timers_.empty() && timers_.top()->deadline <= now) {
    TimerEntry* e = timers_.pop();
    e->on_fire(e);
  }
}

std::chrono::nanoseconds Core::next_timeout() const {
  using std::chrono::nanoseconds;
  Clock::time_point until = Clock::time_point::max();
  if (!timers_.empty()) until = timers_.top()->deadline;
  if (stopping_) until = std::min(until, grace_deadline_);
  if (until == Clock::time_point::max()) return nanoseconds(-1);
  auto now = Clock::now();
  return until <= now ? nanoseconds(0) : std::chrono::duration_cast<nanoseconds>(until - now);
}

void Core::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  grace_deadline_ = Clock::now() + runtime_.config().shutdown_grace;
  stop_.cancel();  // every root's ambient token: outstanding operations are cancelled
}

void Core::destroy_remaining_roots() {
  // Only reached with no kernel operation and no pool job in flight, so no frame dropped here
  // owns memory that something else is still writing into.
  while (!roots_.empty()) {
    RootNode* r = roots_.back();
    roots_.pop_back();
    r->handle.destroy();
  }
  ready_.clear();
}

void Core::leave_stuck_roots() {
  // A kernel operation or a blocking job that ignored cancellation for the whole grace period
  // may still write into the frames waiting on it: they are leaked, never freed, and the
  // process is not kept waiting for them.
  const std::string jobs = runtime_.blocking_pool().describe_running();
  std::fprintf(stderr,
               "moonring: core %u: the grace period is over with %zu kernel operation(s) and "
               "%zu wait(s) on other threads in flight; leaving %zu task(s) behind%s%s\n",
               id_, backend_->in_flight(), external_, roots_.size(),
               jobs.empty() ? "" : "; running on the blocking pool: ", jobs.c_str());
  // Kept reachable on purpose, so that leak checkers see them as left behind, not lost.
  static std::mutex left_behind_mutex;
  static auto* left_behind = new std::vector<std::coroutine_handle<>>;
  {
    std::lock_guard lock(left_behind_mutex);
    for (RootNode* r : roots_) left_behind->push_back(r->handle);
  }
  roots_.clear();
  ready_.clear();
}

void Core::run() {
  tls_current_core = this;
  for (;;) {
    if (signal_.load(std::memory_order_relaxed) != 0)
      signal_.exchange(0, std::memory_order_acq_rel);
    drain_messages();
    // Run what is ready, and what that makes ready, up to a budget: a reply produced by one task
    // and sent by another goes out in the same turn. The budget keeps tasks that keep waking
    // each other from starving I/O and messages.
    bool did_work = !ready_.empty();
    for (std::size_t n = kTurnBudget; n > 0 && !ready_.empty(); --n) {
      Ready r = ready_.front();
      ready_.pop_front();
      context_ = r.context;
      r.handle.resume();
    }
    context_ = &root_context_;
    fire_timers();

    if (stopping_ && ready_.empty() && !has_messages()) {
      const bool busy = external_ != 0 || backend_->in_flight() != 0;
      if (!busy && roots_.empty()) break;
      if (Clock::now() >= grace_deadline_) {
        if (busy) {
          leave_stuck_roots();
          break;
        }
        destroy_remaining_roots();
        break;
      }
    }

    auto timeout = ready_.empty() ? next_timeout() : std::chrono::nanoseconds(0);
    if (timeout.count() != 0 && did_work && poll_until_ready()) continue;
    // Our surplus for a full queue needs another turn even if nothing wakes us: come back soon.
    if (has_outbound_overflow() &&
        (timeout.count() < 0 || timeout > std::chrono::microseconds(100)))
      timeout = std::chrono::microseconds(100);
    if (timeout.count() != 0) {
      uint32_t old = signal_.fetch_or(kSleeping, std::memory_order_acq_rel);
      if ((old & kHasMessages) || has_messages()) timeout = std::chrono::nanoseconds(0);
    }
    backend_->wait(timeout);
  }
  // Messages from other threads that came too late are dropped here, and later ones are refused
  // (block_on's caller learns of it from either). Those from other cores are dropped with the
  // core.
  foreign_.close();
  loop_ended_.store(true, std::memory_order_release);
  tls_current_core = nullptr;
}

}  // namespace moonring
