// A core: one pinned worker thread with its own event loop, backend, run queue and timers.
// Everything on a core is touched only by its thread; other threads reach it through messages.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "runtime/backend.hpp"
#include "runtime/cancel.hpp"
#include "runtime/context.hpp"
#include "runtime/message.hpp"
#include "runtime/timer_heap.hpp"

namespace moonring {

class Runtime;

// A root task's entry in its core's registry (lives in the root coroutine's promise).
struct RootNode {
  std::coroutine_handle<> handle;
  std::size_t index = 0;
};

class Core {
 public:
  Core(Runtime& runtime, unsigned id, std::unique_ptr<Backend> backend);
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;
  ~Core();

  // The core whose thread is calling, or nullptr on any other thread.
  static Core* current() noexcept;

  unsigned id() const { return id_; }
  Runtime& runtime() { return runtime_; }
  Backend& backend() { return *backend_; }

  // The task running now, and its ambient cancellation token.
  TaskContext* context() const { return context_; }
  const CancellationToken& token() const { return context_->token; }

  // Resume `h` later on this core, in context `ctx`. Only from this core's thread.
  void schedule(std::coroutine_handle<> h, TaskContext* ctx) { ready_.push_back({h, ctx}); }

  // Run `m` on this core. From any thread; from another core of the same runtime it travels
  // through that pair's queue. False (and `m` is dropped at once) when a thread that is not a
  // core posts after this core has left its loop.
  bool post(Message m);

  // Timers of this core.
  void add_timer(TimerEntry* e) { timers_.push(e); }
  void remove_timer(TimerEntry* e) { timers_.remove(e); }

  // Root tasks: spawned tasks that the core owns until they finish.
  void root_started(RootNode* root);
  void root_finished(RootNode* root);
  std::size_t live_roots() const { return roots_.size(); }

  // Cancelled when the runtime stops: every root task's token follows it.
  CancellationToken stop_token() const { return stop_.token(); }
  bool stopping() const { return stopping_; }
  // The loop has returned (from any thread): what is left of the core is torn down elsewhere.
  bool loop_ended() const { return loop_ended_.load(std::memory_order_acquire); }

  // Work in flight outside the backend (blocking pool jobs) that will post back to this core.
  void external_started() { ++external_; }
  void external_finished() { --external_; }

  // The loop. Returns when stop was requested and everything has drained.
  void run();
  // From this core's thread: begin the graceful stop.
  void begin_stop();

 private:
  friend class Runtime;

  struct Ready {
    std::coroutine_handle<> handle;
    TaskContext* context;
  };

  bool drain_messages();
  // A message was queued: set the bit, and wake the core if it sleeps.
  void signal_messages();
  bool has_messages() const;
  bool has_outbound_overflow() const;
  // Polls the backend for up to the configured time; true as soon as something became ready.
  bool poll_until_ready();
  void fire_timers();
  std::chrono::nanoseconds next_timeout() const;
  void destroy_remaining_roots();
  // Past the grace period with work still in flight: one line on stderr, the roots leaked.
  void leave_stuck_roots();

  Runtime& runtime_;
  unsigned id_;
  std::unique_ptr<Backend> backend_;
  std::deque<Ready> ready_;
  TimerHeap timers_;
  TaskContext root_context_;  // context of code run directly by the loop (messages)
  TaskContext* context_ = &root_context_;

  // inbound_[from]: messages from core `from` to this core (single producer each).
  std::vector<std::unique_ptr<SpscQueue>> inbound_;
  ForeignInbox foreign_;
  // Threads outside the runtime inside post() right now: a sender may still be signalling and
  // waking this core after the core took its message, so the destructor waits for them.
  std::atomic<unsigned> foreign_posting_{0};
  // Sleep/wake handshake with senders, as bits of one atomic so that every change is a single
  // read-modify-write in one total order: a sender either sees the core asleep and wakes it, or
  // the core sees the message bit before it sleeps.
  static constexpr uint32_t kSleeping = 1;
  static constexpr uint32_t kHasMessages = 2;
  std::atomic<uint32_t> signal_{0};

  std::vector<RootNode*> roots_;
  std::size_t external_ = 0;
  std::vector<SpscQueue*> outbound_;  // outbound_[to]: this core's queue into core `to`
  std::vector<Message> local_messages_;
  CancellationSource stop_;
  bool stopping_ = false;
  std::atomic<bool> loop_ended_{false};  // the loop has returned (debug checks of affinity)
  Clock::time_point grace_deadline_{};
};

}  // namespace moonring
