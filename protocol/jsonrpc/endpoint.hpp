// A JSON-RPC 2.0 session over a Wire: dispatches requests (concurrently, each cancellable with
// $/cancelRequest) and notifications (in arrival order), answers batches, sends requests to the
// client and correlates their responses, and reports work-done progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/jsonrpc/message.hpp"
#include "protocol/session.hpp"
#include "protocol/wire.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring::jsonrpc {

// What a request handler answers: a raw JSON result, or an error.
struct Reply {
  std::string result = "null";
  std::optional<ErrorObject> error;

  static Reply ok(std::string json) { return Reply{std::move(json), std::nullopt}; }
  static Reply fail(int code, std::string message) {
    return Reply{"null", ErrorObject{code, std::move(message), {}}};
  }
};

// Handlers run on the endpoint's core. A request handler's ambient token is cancelled by
// $/cancelRequest for its id and when the session ends.
using RequestHandler = std::function<Task<Reply>(const Message&)>;
using NotificationHandler = std::function<Task<void>(const Message&)>;
// Consulted before every request: an error answers the request instead (lifecycle rules).
using RequestGate = std::function<std::optional<ErrorObject>(const Message&)>;

class Endpoint {
 public:
  explicit Endpoint(protocol::Wire& wire);
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  void on_request(std::string method, RequestHandler handler);
  void on_notification(std::string method, NotificationHandler handler);
  void set_request_gate(RequestGate gate) { gate_ = std::move(gate); }
  // Answers requests whose method has no handler (instead of -32601).
  void set_fallback(RequestHandler handler) { fallback_ = std::move(handler); }

  // Serves until the input ends or close(); then cancels what still runs, waits for it and
  // flushes every reply. The error is the transport's, if it failed.
  Task<Result<void>> run();
  // Ends the session (from a handler: after the current message).
  void close();

  void notify(std::string_view method, std::string_view params_json);
  // A request to the client; its response, or an error if it fails or takes longer than `limit`.
  Task<Result<Message>> request(std::string_view method, std::string_view params_json,
                                std::chrono::milliseconds limit);

  // Work-done progress: ask the client to create `token`, then report with progress().
  Task<Result<void>> create_progress(std::string_view token);
  void progress(std::string_view token, std::string_view value_json);

 private:
  Task<void> handle_body(protocol::Body body);
  Task<void> handle_notification(const Message& message);
  void handle_response(Message message);
  // Runs one request to its reply (JSON text of one response object).
  Task<std::string> answer(std::shared_ptr<const Message> message);
  Task<void> answer_batch(std::vector<std::shared_ptr<const Message>> requests,
                          std::vector<std::string> ready);
  void spawn_request(std::shared_ptr<const Message> message);
  void cancel_request(std::string_view params);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  protocol::Wire& wire_;
  std::unordered_map<std::string, RequestHandler, Hash, std::equal_to<>> requests_;
  std::unordered_map<std::string, NotificationHandler, Hash, std::equal_to<>> notifications_;
  RequestGate gate_;
  RequestHandler fallback_;
  protocol::Session session_;
  // Requests in flight by id, for $/cancelRequest.
  std::unordered_map<std::string, CancellationSource*> cancellable_;
  int64_t next_id_ = 1;
  protocol::ReplyWaiters<Message> replies_;
};

}  // namespace moonring::jsonrpc
