// A DAP session over a Wire: requests dispatched concurrently by command (each cancellable with
// the `cancel` request), events, and reverse requests (runInTerminal, startDebugging) whose
// responses are correlated by request_seq.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/dap/message.hpp"
#include "protocol/session.hpp"
#include "protocol/wire.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring::dap {

// A request's answer: success with a body (raw JSON, may be empty), or failure with a message.
struct Reply {
  bool success = true;
  std::string message;
  std::string body;
  // Runs right after the response is queued (an `initialized` event must follow the response).
  std::function<void()> then;

  static Reply ok(std::string body_json = {}) { return Reply{true, {}, std::move(body_json), {}}; }
  static Reply fail(std::string why) { return Reply{false, std::move(why), {}, {}}; }
};

using RequestHandler = std::function<Task<Reply>(const Message&)>;

class Endpoint {
 public:
  explicit Endpoint(protocol::Wire& wire);
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  void on_request(std::string command, RequestHandler handler);

  // Serves until the input ends or close(), then cancels what runs and flushes every message.
  Task<Result<void>> run();
  void close();

  void send_event(std::string_view event, std::string_view body_json);
  // A reverse request to the client; its response, or an error after `limit`.
  Task<Result<Message>> request(std::string_view command, std::string_view arguments_json,
                                std::chrono::milliseconds limit);

 private:
  Task<void> handle_body(protocol::Body body);
  void spawn_request(std::shared_ptr<const Message> message);
  void send_response(int64_t request_seq, std::string_view command, const Reply& reply);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  protocol::Wire& wire_;
  std::unordered_map<std::string, RequestHandler, Hash, std::equal_to<>> handlers_;
  protocol::Session session_;
  std::unordered_map<int64_t, CancellationSource*> running_by_seq_;
  int64_t next_seq_ = 1;
  protocol::ReplyWaiters<Message> replies_;
};

}  // namespace moonring::dap
