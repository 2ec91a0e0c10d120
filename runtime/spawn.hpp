// Spawning: root tasks owned by a core, join handles, and running work on another core.
#pragma once

#include <coroutine>
#include <cstdio>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/message.hpp"
#include "runtime/outcome.hpp"
#include "runtime/task.hpp"

namespace moonring {

namespace detail {

struct RootPromise;
struct RootCoroutine {
  using promise_type = RootPromise;
  std::coroutine_handle<RootPromise> handle;
};

// A root frame registers with its core and frees itself when it ends.
struct RootPromise {
  RootNode node;
  TaskContext context;
  Core* core = nullptr;

  RootCoroutine get_return_object() noexcept {
    return {std::coroutine_handle<RootPromise>::from_promise(*this)};
  }
  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<RootPromise> self) noexcept {
      self.promise().core->root_finished(&self.promise().node);
      self.destroy();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept { std::terminate(); }  // root_body catches everything
};

template <typename T, typename OnDone>
RootCoroutine root_body(Task<T> task, OnDone on_done) {
  Outcome<T> outcome;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      outcome.set_value();
    } else {
      outcome.set_value(co_await std::move(task));
    }
  } catch (...) {
    outcome.set_exception(std::current_exception());
  }
  on_done(std::move(outcome));
}

// Calls `make_task` and awaits its task while keeping `make_task` alive in this frame: a
// coroutine lambda's captures live in the lambda object, which must outlive the task it makes.
template <typename F>
auto invoke_owned(F make_task) -> Task<typename decltype(make_task())::value_type> {
  co_return co_await make_task();
}

}  // namespace detail

// Start `task` as a root on the calling core; `on_done(Outcome<T>&&)` runs when it ends (not if
// its frame is dropped at shutdown). `token` becomes its ambient cancellation token; task-local
// values are looked up in `parent` when the task has none of its own.
template <typename T, typename OnDone>
void spawn_root(Task<T> task, OnDone on_done, CancellationToken token, TaskContext* parent) {
  Core* core = Core::current();
  auto root = detail::root_body(std::move(task), std::move(on_done));
  detail::RootPromise& p = root.handle.promise();
  p.core = core;
  p.context.token = std::move(token);
  p.context.parent = parent;
  p.node.handle = root.handle;
  core->root_started(&p.node);
  core->schedule(root.handle, &p.context);
}

namespace detail {

// A task started on another core (spawn_on), as seen from its own core: the source of its
// ambient token, which the joiner's cancellation reaches by a message. Shared by both cores,
// touched only on the task's core.
struct RemoteStop {
  CancellationSource* source = nullptr;  // while the task's root frame lives
  bool requested = false;                // cancellation that arrived when there was no source

  void cancel() {
    if (source)
      source->cancel();
    else
      requested = true;
  }
};

// Owns a remote task's source, in its root frame (the outcome callback), so the source is made
// and freed on the task's core however the frame ends.
class RemoteSource {
 public:
  RemoteSource(std::shared_ptr<RemoteStop> stop, const CancellationToken& parent)
      : stop_(std::move(stop)), source_(std::make_unique<CancellationSource>(parent)) {
    if (stop_->requested) source_->cancel();
    stop_->source = source_.get();
  }
  RemoteSource(RemoteSource&&) noexcept = default;
  RemoteSource& operator=(RemoteSource&&) = delete;
  ~RemoteSource() {
    if (source_) stop_->source = nullptr;
  }
  CancellationToken token() const { return source_->token(); }

 private:
  std::shared_ptr<RemoteStop> stop_;
  std::unique_ptr<CancellationSource> source_;
};

}  // namespace detail

// Where a spawned task's outcome waits for its joiner. Touched only on the joiner's core.
template <typename T>
struct JoinState {
  Outcome<T> outcome;
  std::coroutine_handle<> waiter;
  TaskContext* waiter_context = nullptr;
  Core* core = nullptr;
  // A task on another core: its core, and its source as that core sees it (never touched here).
  Core* remote_core = nullptr;
  std::shared_ptr<detail::RemoteStop> remote_stop;

  void finish(Outcome<T>&& o) {
    outcome = std::move(o);
    if (waiter) core->schedule(std::exchange(waiter, nullptr), waiter_context);
  }
};

// Awaiting a JoinHandle gives the task's value (or rethrows its exception). Dropping the handle
// detaches the task. A joiner of a task on another core passes its own cancellation on to that
// task (by a message to its core) and still waits for the task's outcome, as when_any and
// with_timeout wait for their children: the task may use memory the joiner lent it.
template <typename T>
class JoinHandle {
 public:
  explicit JoinHandle(std::shared_ptr<JoinState<T>> state) : state_(std::move(state)) {}
  bool done() const { return state_->outcome.has_value(); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      std::shared_ptr<JoinState<T>> state;
      CancelRegistration registration;
      bool await_ready() noexcept { return state->outcome.has_value(); }
      void await_suspend(std::coroutine_handle<> h) noexcept {
        Core* core = Core::current();
        state->waiter = h;
        state->waiter_context = core->context();
        if (!state->remote_stop) return;
        const CancellationToken& token = core->token();
        if (token.cancelled())
          cancel_remote(this);
        else if (token.can_be_cancelled())
          registration.attach(token, &Awaiter::cancel_remote, this);
      }
      T await_resume() {
        registration.reset();
        return std::move(state->outcome).take();
      }
      static void cancel_remote(void* self) {
        JoinState<T>& s = *static_cast<Awaiter*>(self)->state;
        s.remote_core->post(Message([stop = s.remote_stop] { stop->cancel(); }));
      }
      // A frame dropped at shutdown must not leave a dangling waiter behind.
      ~Awaiter() {
        if (state && state->waiter) state->waiter = nullptr;
      }
    };
    return Awaiter{state_, {}};
  }

 private:
  std::shared_ptr<JoinState<T>> state_;
};

namespace detail {
inline void report_detached_failure(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "moonring: a task failed: %s\n", ex.what());
  } catch (...) {
    std::fprintf(stderr, "moonring: a task failed with an unknown exception\n");
  }
}
}  // namespace detail

// Run `task` on the calling core, detached: nobody waits for it.
template <typename T>
void spawn_detached(Task<T> task) {
  spawn_root(
      std::move(task),
      [](Outcome<T>&& o) {
        if (o.exception()) detail::report_detached_failure(o.exception());
      },
      Core::current()->stop_token(), nullptr);
}

// Run `task` on the calling core; the handle joins it.
template <typename T>
JoinHandle<T> spawn(Task<T> task) {
  auto state = std::make_shared<JoinState<T>>();
  state->core = Core::current();
  spawn_root(
      std::move(task), [state](Outcome<T>&& o) { state->finish(std::move(o)); },
      Core::current()->stop_token(), nullptr);
  return JoinHandle<T>(state);
}

}  // namespace moonring
