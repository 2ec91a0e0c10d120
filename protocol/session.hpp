// What both endpoints (JSON-RPC and DAP) do the same way: run a session over a Wire (the writer,
// the reader under a session token that close() cancels, then wait for running requests and
// flush), count requests in flight, and wait for replies to requests of our own by key.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "protocol/wire.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring::protocol {

class Session {
 public:
  // Reads with `on_body` until the input ends or close(); then cancels the session token, waits
  // for the requests in flight, lets `before_flush` fail what waits on the client, and flushes.
  Task<Result<void>> run(Wire& wire, Wire::BodyHandler on_body, std::function<void()> before_flush);
  void close();
  // Valid during run(): cancelled when the session ends.
  CancellationToken token() const { return source_->token(); }

  void request_started() { ++running_; }
  void request_finished();

 private:
  std::optional<CancellationSource> source_;
  std::size_t running_ = 0;
  Event all_done_;
};

// Replies to requests we sent, by their id (JSON-RPC) or seq (DAP).
template <typename Reply>
class ReplyWaiters {
 public:
  // Waits up to `limit` for the reply to `key`; `what` names the request in errors.
  Task<Result<Reply>> wait(int64_t key, std::chrono::milliseconds limit, std::string what);
  // A reply arrived: true when someone was waiting for it.
  bool deliver(int64_t key, Reply reply);
  // The session ended: every waiter fails.
  void fail_all() {
    for (auto& [key, w] : waiting_) w->done.set();
  }

 private:
  struct Waiter {
    Event done;
    std::optional<Reply> reply;
  };
  std::unordered_map<int64_t, Waiter*> waiting_;
};

}  // namespace moonring::protocol

#include "protocol/session_inl.hpp"
