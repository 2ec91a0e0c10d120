// A JSON-RPC 2.0 session over a Wire: dispatches requests (concurrently, each cancellable with
// $/cancelRequest) and notifications (in arrival order), answers batches, sends requests to the
// client and correlates their responses, and reports work-done progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/jsonrpc/dispatcher.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "protocol/session.hpp"
#include "protocol/wire.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring::jsonrpc {

class Endpoint {
 public:
  explicit Endpoint(protocol::Wire& wire);
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // The method table (dispatcher.hpp says how each kind of handler runs).
  Dispatcher& dispatcher() { return dispatcher_; }
  void on_request(std::string method, RequestHandler handler) {
    dispatcher_.on_request(std::move(method), std::move(handler));
  }
  void on_request_inline(std::string method, InlineHandler handler) {
    dispatcher_.on_request_inline(std::move(method), std::move(handler));
  }
  void on_notification(std::string method, NotificationHandler handler) {
    dispatcher_.on_notification(std::move(method), std::move(handler));
  }
  void on_notification_inline(std::string method, InlineNotificationHandler handler) {
    dispatcher_.on_notification_inline(std::move(method), std::move(handler));
  }
  void set_request_gate(RequestGate gate) { dispatcher_.set_gate(std::move(gate)); }
  // Answers requests whose method has no handler (instead of -32601).
  void set_fallback(RequestHandler handler) { dispatcher_.set_fallback(std::move(handler)); }
  void set_fallback_inline(InlineHandler handler) {
    dispatcher_.set_fallback_inline(std::move(handler));
  }

  // Serves until the input ends or close(); then cancels what still runs, waits for it and
  // flushes every reply. The error is the transport's, if it failed.
  Task<Result<void>> run();
  // Ends the session (from a handler: after the current message).
  void close();

  void notify(std::string_view method, std::string_view params_json);
  // Bytes queued for the client that the writer has not taken yet.
  std::size_t unsent_bytes() const { return wire_.outbox().size(); }
  // A request to the client; its response, or an error if it fails or takes longer than `limit`.
  Task<Result<Message>> request(std::string_view method, std::string_view params_json,
                                std::chrono::milliseconds limit);

  // Work-done progress: ask the client to create `token`, then report with progress().
  Task<Result<void>> create_progress(std::string_view token);
  void progress(std::string_view token, std::string_view value_json);

 private:
  std::optional<Task<void>> on_body(protocol::Body body);
  Task<void> run_notification(Message message, const NotificationHandler* handler);
  void handle_response(Message message);
  // Runs an asynchronous handler to its reply (JSON text of one response object).
  Task<std::string> answer(Message message, const RequestHandler* handler);
  Task<void> handle_batch(Decoded batch);
  void spawn_request(Message message, const RequestHandler* handler);
  void cancel_request(std::string_view params);

  protocol::Wire& wire_;
  Dispatcher dispatcher_;
  protocol::Session session_;
  // Requests in flight by id, for $/cancelRequest.
  std::unordered_map<std::string, CancellationSource*> cancellable_;
  int64_t next_id_ = 1;
  protocol::ReplyWaiters<Message> replies_;
};

}  // namespace moonring::jsonrpc
