// Work on another core: spawn_on starts a task there and joins it from here; submit_to awaits
// its value (Seastar's smp::submit_to). The value travels back as a message.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"

namespace moonring {

// `make_task` is moved to core `index` and called there, so the task is created (and its data
// allocated) on the core that owns it. Call from a core. The task's ambient token follows that
// core's stop and, through the handle, the cancellation of whoever awaits it.
template <typename F>
auto spawn_on(unsigned index, F make_task)
    -> JoinHandle<typename decltype(make_task())::value_type> {
  using T = typename decltype(make_task())::value_type;
  Core* origin = Core::current();
  auto state = std::make_shared<JoinState<T>>();
  state->core = origin;
  state->remote_core = &origin->runtime().core(index);
  state->remote_stop = std::make_shared<detail::RemoteStop>();
  state->remote_core->post(
      Message([origin, state, stop = state->remote_stop, fn = std::move(make_task)]() mutable {
        detail::RemoteSource source(std::move(stop), Core::current()->stop_token());
        CancellationToken token = source.token();
        spawn_root(
            detail::invoke_owned(std::move(fn)),
            [origin, state, owned = std::move(source)](Outcome<T>&& o) {
              origin->post(
                  Message([state, o = std::move(o)]() mutable { state->finish(std::move(o)); }));
            },
            std::move(token), nullptr);
      }));
  return JoinHandle<T>(std::move(state));
}

template <typename F>
auto submit_to(unsigned index, F make_task) -> Task<typename decltype(make_task())::value_type> {
  co_return co_await spawn_on(index, std::move(make_task));
}

}  // namespace moonring
