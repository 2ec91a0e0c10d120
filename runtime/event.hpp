// A one-core async event: tasks wait until it is set. Used to wake a writer task when output is
// queued, or to signal the end of a session.
#pragma once

#include <coroutine>
#include <vector>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"

namespace moonring {

class Event {
 public:
  bool is_set() const { return set_; }
  void set() {
    set_ = true;
    for (auto& w : waiters_) w.core->schedule(w.handle, w.context);
    waiters_.clear();
  }
  void reset() { set_ = false; }

  // Resumes when the event is set; returns false when the ambient token was cancelled first.
  auto wait() {
    struct Awaiter {
      Event* event;
      CancellationToken token;
      CancelRegistration registration;
      bool cancelled = false;
      bool await_ready() noexcept {
        token = Core::current()->token();
        return event->set_ || token.cancelled();
      }
      void await_suspend(std::coroutine_handle<> h) {
        Core* core = Core::current();
        event->waiters_.push_back({h, core->context(), core, this});
        if (token.can_be_cancelled()) registration.attach(token, &Awaiter::on_cancel, this);
      }
      bool await_resume() noexcept {
        registration.reset();
        return event->set_ && !cancelled;
      }
      static void on_cancel(void* p) {
        auto* a = static_cast<Awaiter*>(p);
        a->cancelled = true;
        a->event->wake_one(a);
      }
      ~Awaiter() { event->forget(this); }  // a frame dropped at shutdown leaves no waiter behind
    };
    return Awaiter{this, {}, {}, false};
  }

 private:
  struct Waiter {
    std::coroutine_handle<> handle;
    TaskContext* context;
    Core* core;
    void* awaiter;
  };
  void wake_one(void* awaiter) {
    for (std::size_t i = 0; i < waiters_.size(); ++i)
      if (waiters_[i].awaiter == awaiter) {
        waiters_[i].core->schedule(waiters_[i].handle, waiters_[i].context);
        waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
  }
  void forget(void* awaiter) {
    for (std::size_t i = 0; i < waiters_.size(); ++i)
      if (waiters_[i].awaiter == awaiter) {
        waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
  }

  bool set_ = false;
  std::vector<Waiter> waiters_;
};

}  // namespace moonring
