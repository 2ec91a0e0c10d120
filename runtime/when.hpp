// Waiting for several tasks: all of them (when_all) or the first of them (when_any). Both are
// structured: they return only after every child has finished, so a child never outlives the
// memory it borrowed from its parent.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/outcome.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

namespace moonring {

namespace detail {

// Counts running children; resumes the parent when the last one ends.
struct ChildCounter {
  std::size_t running = 0;
  std::coroutine_handle<> parent;
  TaskContext* parent_context = nullptr;
  Core* core = nullptr;

  void child_done() {
    if (--running == 0 && parent) core->schedule(std::exchange(parent, nullptr), parent_context);
  }
  auto wait() {
    struct Awaiter {
      ChildCounter* c;
      bool await_ready() noexcept { return c->running == 0; }
      void await_suspend(std::coroutine_handle<> h) noexcept {
        c->parent = h;
        c->parent_context = c->core->context();
      }
      void await_resume() noexcept {}
    };
    return Awaiter{this};
  }
};

}  // namespace detail

// All tasks run concurrently on this core; the values come back in the order of the tasks. If
// any child throws, the first exception is rethrown after all have finished.
template <typename T>
Task<std::vector<T>> when_all(std::vector<Task<T>> tasks) {
  Core* core = Core::current();
  TaskContext* ctx = core->context();
  detail::ChildCounter counter{tasks.size(), {}, nullptr, core};
  std::vector<Outcome<T>> outcomes(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    spawn_root(
        std::move(tasks[i]),
        [&counter, &outcomes, i](Outcome<T>&& o) {
          outcomes[i] = std::move(o);
          counter.child_done();
        },
        ctx->token, ctx);
  }
  co_await counter.wait();
  std::vector<T> values;
  values.reserve(outcomes.size());
  for (auto& o : outcomes)
    if (o.exception()) std::rethrow_exception(o.exception());
  for (auto& o : outcomes) values.push_back(std::move(o).take());
  co_return values;
}

inline Task<void> when_all(std::vector<Task<void>> tasks) {
  Core* core = Core::current();
  TaskContext* ctx = core->context();
  detail::ChildCounter counter{tasks.size(), {}, nullptr, core};
  std::exception_ptr first_error;
  for (auto& t : tasks) {
    spawn_root(
        std::move(t),
        [&counter, &first_error](Outcome<void>&& o) {
          if (o.exception() && !first_error) first_error = o.exception();
          counter.child_done();
        },
        ctx->token, ctx);
  }
  co_await counter.wait();
  if (first_error) std::rethrow_exception(first_error);
}

template <typename T>
struct FirstOf {
  std::size_t index;
  T value;
};

// The first task to finish wins; the others are cancelled through their ambient token and
// awaited. Returns the winner's index and value (rethrows if the winner threw).
template <typename T>
requires(!std::is_void_v<T>) Task<FirstOf<T>> when_any(std::vector<Task<T>> tasks) {
  Core* core = Core::current();
  TaskContext* ctx = core->context();
  CancellationSource losers(ctx->token);
  detail::ChildCounter counter{tasks.size(), {}, nullptr, core};
  std::optional<std::size_t> winner;
  Outcome<T> winning;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    spawn_root(
        std::move(tasks[i]),
        [&, i](Outcome<T>&& o) {
          if (!winner) {
            winner = i;
            winning = std::move(o);
            losers.cancel();
          }
          counter.child_done();
        },
        losers.token(), ctx);
  }
  co_await counter.wait();
  std::size_t index = winner.value_or(0);
  co_return FirstOf<T>{index, std::move(winning).take()};
}

}  // namespace moonring
