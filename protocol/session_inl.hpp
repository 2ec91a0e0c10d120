// Template parts of session.hpp.
#pragma once

#include "runtime/timer.hpp"

namespace moonring::protocol {

namespace detail {
inline Task<Result<void>> wait_until_set(Event& event) {
  bool set = co_await event.wait();
  if (!set) co_return runtime_error(RuntimeErrc::cancelled, "waiting for the client");
  co_return Result<void>{};
}
}  // namespace detail

template <typename Reply>
Task<Result<Reply>> ReplyWaiters<Reply>::wait(int64_t key, std::chrono::milliseconds limit,
                                              std::string what) {
  Waiter waiter;
  waiting_[key] = &waiter;
  auto waited = co_await with_timeout(limit, detail::wait_until_set(waiter.done), what);
  waiting_.erase(key);
  if (!waited) co_return waited.take_error();
  if (!waiter.reply)
    co_return runtime_error(RuntimeErrc::closed, what + ": the session ended first");
  co_return std::move(*waiter.reply);
}

template <typename Reply>
bool ReplyWaiters<Reply>::deliver(int64_t key, Reply reply) {
  auto it = waiting_.find(key);
  if (it == waiting_.end()) return false;  // late (timed out) or unknown: dropped
  it->second->reply = std::move(reply);
  it->second->done.set();
  return true;
}

}  // namespace moonring::protocol
