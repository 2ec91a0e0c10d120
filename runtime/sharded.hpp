// Sharded<T>: one instance of a service per core, each built, used and destroyed on its own
// core (Seastar's sharded<T>). Other cores reach an instance only through a message.
#pragma once

#include <cassert>
#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/cross_core.hpp"
#include "runtime/event.hpp"
#include "runtime/io_op.hpp"
#include "runtime/runtime.hpp"
#include "runtime/task.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"

namespace moonring {

namespace detail {

// An instance and its bookkeeping; allocated, touched and freed only on its own core.
template <typename T>
struct Shard {
  template <typename Factory>
  Shard(Factory& factory, unsigned core) : instance(factory(core)) {}

  T instance;
  std::size_t running = 0;   // invocations in progress
  bool stopping = false;     // stop began: no new invocation starts
  Event drained;             // set when the last invocation ends during a stop
  CancellationSource abort;  // cancelled when the stop is: running invocations follow it
};

// Shared by the container and its messages in flight, so a message that arrives late finds an
// empty slot rather than freed memory. shards[i] is read and written only on core i.
template <typename T>
struct ShardedState {
  explicit ShardedState(unsigned cores) : shards(cores, nullptr) {}
  std::vector<Shard<T>*> shards;
};

template <typename X>
struct TaskValue {
  using type = X;
};
template <typename X>
struct TaskValue<Task<X>> {
  using type = X;
};

// What fn(T&) gives, a Task's value unwrapped: fn may be a plain function or a coroutine.
template <typename F, typename T>
using ShardCallResult = typename TaskValue<std::invoke_result_t<F&, T&>>::type;

template <typename T>
concept HasAsyncStop = requires(T& t) {
  { t.stop() } -> std::same_as<Task<void>>;
};

[[noreturn]] inline void throw_no_instance(unsigned core) {
  throw std::logic_error("Sharded: no instance on core " + std::to_string(core) +
                         " (not started, or stopped)");
}

// Runs fn on the calling core's instance. The instance stays alive until it ends (stop waits),
// and it runs under a token that follows both the caller's and a cancelled stop.
template <typename T, typename F>
Task<ShardCallResult<F, T>> run_on_shard(std::shared_ptr<ShardedState<T>> state, F fn) {
  unsigned core = Core::current()->id();
  Shard<T>* shard = state->shards[core];
  if (!shard || shard->stopping) throw_no_instance(core);
  ++shard->running;
  struct Leave {
    Shard<T>* shard;
    ~Leave() {
      if (--shard->running == 0 && shard->stopping) shard->drained.set();
    }
  } leave{shard};
  CancellationSource scope(current_token());
  CancelRegistration follow_stop(
      shard->abort.token(), [](void* s) { static_cast<CancellationSource*>(s)->cancel(); }, &scope);
  AmbientTokenScope ambient(scope.token());
  if constexpr (is_task<std::invoke_result_t<F&, T&>>::value) {
    co_return co_await fn(shard->instance);
  } else if constexpr (std::is_void_v<ShardCallResult<F, T>>) {
    fn(shard->instance);
  } else {
    co_return fn(shard->instance);
  }
}

template <typename T, typename Factory>
Task<void> construct_shard(std::shared_ptr<ShardedState<T>> state, Factory factory) {
  unsigned core = Core::current()->id();
  state->shards[core] = new Shard<T>(factory, core);
  co_return;
}

// Waits for the invocations running on this core (cancelling them if the caller is cancelled
// meanwhile), then runs T::stop() if it has one and destroys the instance.
template <typename T>
Task<void> stop_shard(std::shared_ptr<ShardedState<T>> state) {
  unsigned core = Core::current()->id();
  Shard<T>* shard = state->shards[core];
  if (!shard || shard->stopping) co_return;
  shard->stopping = true;
  if (shard->running > 0 && !co_await shard->drained.wait()) {
    shard->abort.cancel();
    // The instance cannot go while they run: wait for them to honour the cancellation.
    AmbientTokenScope uncancellable(CancellationToken{});
    while (shard->running > 0) co_await shard->drained.wait();
  }
  std::exception_ptr failure;
  if constexpr (HasAsyncStop<T>) {
    try {
      co_await shard->instance.stop();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  state->shards[core] = nullptr;
  delete shard;
  if (failure) std::rethrow_exception(failure);
}

// make() on `core`: inline when that is the calling core, else through submit_to (which carries
// the caller's cancellation across).
template <typename Make>
auto on_core(unsigned core, Make make) -> decltype(make()) {
  if (core == Core::current()->id()) return make();
  return submit_to(core, std::move(make));
}

}  // namespace detail

// Every method is called from a task on a core of the runtime that started it, and carries the
// caller's ambient cancellation token to the cores it reaches. The container must outlive the
// calls made through it, and be stopped before it is destroyed.
template <typename T>
class Sharded {
 public:
  Sharded() = default;
  Sharded(const Sharded&) = delete;
  Sharded& operator=(const Sharded&) = delete;

  // Builds T(args...) on every core of the calling core's runtime, each on its own core, from
  // its own copy of the arguments. If a constructor throws, the instances already built are
  // destroyed and the first exception is rethrown. Not cancellable: constructors are
  // synchronous, so the wait is one message round trip, and a half-built container is worse.
  template <typename... Args>
  Task<void> start(Args... args) {
    return start_with([args = std::tuple<Args...>(std::move(args)...)](unsigned) {
      return std::make_from_tuple<T>(args);
    });
  }

  // Builds factory(core) on every core, on that core (the factory is copied to each).
  template <typename Factory>
  requires std::same_as<std::invoke_result_t<Factory&, unsigned>, T> Task<void> start_with(
      Factory factory) {
    assert(!state_ && "Sharded: started twice");
    auto state = std::make_shared<detail::ShardedState<T>>(Core::current()->runtime().core_count());
    detail::AmbientTokenScope uncancellable(CancellationToken{});
    std::vector<Task<void>> builds;
    for (unsigned core = 0; core < state->shards.size(); ++core)
      builds.push_back(detail::on_core(
          core, [state, factory] { return detail::construct_shard<T>(state, factory); }));
    std::exception_ptr failure;
    try {
      co_await when_all(std::move(builds));
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      co_await stop_all(state);
      std::rethrow_exception(failure);
    }
    state_ = std::move(state);
  }

  unsigned cores() const { return state_ ? static_cast<unsigned>(state_->shards.size()) : 0; }

  // The calling core's instance. Valid until stop() reaches this core.
  T& local() {
    assert(state_ && "Sharded::local: not started");
    detail::Shard<T>* shard = state_->shards[Core::current()->id()];
    assert(shard && "Sharded::local: no instance on this core");
    return shard->instance;
  }

  // fn(T&) on `core`'s instance, there; its value (or exception) comes back. fn may return a
  // value or a Task. Throws std::logic_error when that core's instance is stopped.
  template <typename F>
  Task<detail::ShardCallResult<F, T>> invoke_on(unsigned core, F fn) {
    static_assert(!std::is_reference_v<detail::ShardCallResult<F, T>>,
                  "values cross cores by value");
    assert(state_ && core < state_->shards.size());
    return detail::on_core(core, [state = state_, fn = std::move(fn)]() mutable {
      return detail::run_on_shard<T>(std::move(state), std::move(fn));
    });
  }

  // fn(T&) on every core at once (a copy each); returns when all have ended, rethrowing the
  // first exception. fn returns nothing: use map_reduce for values.
  template <typename F>
  Task<void> invoke_on_all(F fn) {
    static_assert(std::is_void_v<detail::ShardCallResult<F, T>>,
                  "invoke_on_all discards nothing: use map_reduce for values");
    std::vector<Task<void>> calls;
    for (unsigned core = 0; core < cores(); ++core) calls.push_back(invoke_on(core, fn));
    co_await when_all(std::move(calls));
  }

  // mapper(T&) on every core at once; then, on the calling core and in core order,
  // acc = reducer(acc, value) starting from `initial`.
  template <typename Mapper, typename Acc, typename Reducer>
  Task<Acc> map_reduce(Mapper mapper, Acc initial, Reducer reducer) {
    using R = detail::ShardCallResult<Mapper, T>;
    std::vector<Task<R>> calls;
    for (unsigned core = 0; core < cores(); ++core) calls.push_back(invoke_on(core, mapper));
    std::vector<R> values = co_await when_all(std::move(calls));
    Acc acc = std::move(initial);
    for (R& v : values) acc = reducer(std::move(acc), std::move(v));
    co_return acc;
  }

  // Destroys every instance on its own core, each after the invocations running there have
  // ended (new ones are refused), and after T::stop() if T has `Task<void> stop()`. If the
  // caller is cancelled meanwhile, the running invocations are cancelled through their
  // ambient token; the instances are still destroyed before stop returns. Call it once.
  Task<void> stop() {
    if (!state_) co_return;
    co_await stop_all(state_);
    state_.reset();
  }

 private:
  static Task<void> stop_all(std::shared_ptr<detail::ShardedState<T>> state) {
    std::vector<Task<void>> stops;
    for (unsigned core = 0; core < state->shards.size(); ++core)
      stops.push_back(detail::on_core(core, [state] { return detail::stop_shard<T>(state); }));
    co_await when_all(std::move(stops));
  }

  std::shared_ptr<detail::ShardedState<T>> state_;
};

}  // namespace moonring
