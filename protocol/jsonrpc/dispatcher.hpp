// The JSON-RPC method table and the part of handling a message that needs no waiting: decoding,
// error replies, the request gate, finding the handler, and running the handlers that answer at
// once (inline). jsonrpc::Endpoint runs every message through it and does the rest (requests that
// run as tasks, $/cancelRequest, responses, batches); bench/jsonrpc runs it in memory.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/jsonrpc/message.hpp"
#include "protocol/jsonrpc/method_table.hpp"
#include "protocol/outbox.hpp"
#include "runtime/task.hpp"

namespace moonring::jsonrpc {

// What an asynchronous request handler answers: a raw JSON result, or an error.
struct Reply {
  std::string result = "null";
  std::optional<ErrorObject> error;

  static Reply ok(std::string json) { return Reply{std::move(json), std::nullopt}; }
  static Reply fail(int code, std::string message) {
    return Reply{"null", ErrorObject{code, std::move(message), {}}};
  }
};

// How an inline handler answers: it appends its result's JSON to result(), or calls error().
// Neither: the result is null.
class Responder {
 public:
  // The string to append the result's JSON to (the response around it is written already).
  std::string& result();
  // An error response instead (whatever result was written is dropped). When the request's
  // params were left unchecked and are not JSON, the dispatcher drops this answer, reads the
  // message again with the general decoder and answers what that finds.
  void error(int code, std::string_view message);

 private:
  friend class Dispatcher;
  Responder(std::string& out, const Message& request)
      : out_(out), request_(request), id_(request.id), start_(out.size()) {}
  void finish();
  void fail(const ErrorObject& error);

  std::string& out_;
  const Message& request_;
  const Id& id_;
  bool reread_ = false;        // failed on params that are not JSON: see error()
  std::size_t start_;          // where this response starts in out_
  std::size_t result_at_ = 0;  // where its result starts (State::result)
  enum class State : unsigned char { empty, result, done } state_ = State::empty;
};

// Handlers run on the endpoint's core. An asynchronous request handler runs as its own task
// (requests run concurrently; its ambient token is cancelled by $/cancelRequest for its id and
// when the session ends). An inline handler answers before the next message is read, without
// suspending: no task, no allocation, and nothing to cancel (it is done before a $/cancelRequest
// for it can be read). Notification handlers are awaited (inline ones called) in arrival order.
using RequestHandler = std::function<Task<Reply>(const Message&)>;
using InlineHandler = std::function<void(const Message&, Responder&)>;
using NotificationHandler = std::function<Task<void>(const Message&)>;
using InlineNotificationHandler = std::function<void(const Message&)>;
// Consulted for every request as it arrives: an error answers the request instead (lifecycle
// rules).
using RequestGate = std::function<std::optional<ErrorObject>(const Message&)>;

class Dispatcher {
 public:
  void on_request(std::string method, RequestHandler handler);
  // ParamsCheck::deferred: the handler reads its params with a typed reader that checks them
  // itself (lsp::decode_position_params: its fast path accepts only valid JSON, anything else goes
  // through params_are_json), so they are read once. Otherwise they are checked before the
  // handler runs.
  void on_request_inline(std::string method, InlineHandler handler,
                         ParamsCheck params = ParamsCheck::now);
  void on_notification(std::string method, NotificationHandler handler);
  void on_notification_inline(std::string method, InlineNotificationHandler handler);
  void set_gate(RequestGate gate) { gate_ = std::move(gate); }
  // Answers requests whose method has no handler (instead of -32601).
  void set_fallback(RequestHandler handler) {
    fallback_ = std::move(handler);
    fallback_now_ = nullptr;
  }
  void set_fallback_inline(InlineHandler handler) {
    fallback_now_ = std::move(handler);
    fallback_ = nullptr;
  }

  // What handle() leaves to its caller, in decoded().
  enum class Left : unsigned char {
    nothing,       // dealt with: any reply is in the outbox
    request,       // decoded().items[0]: run request_handler() for it as a task
    notification,  // decoded().items[0]: an asynchronous handler's, or $/cancelRequest
    response,      // decoded().items[0]: a response to a request of ours
    batch,         // decoded(): a batch, answered as one array
  };
  // One framed body: decoded, and dealt with as far as it can be without waiting.
  Left handle(protocol::Body body, protocol::Outbox& out);
  Decoded& decoded() { return decoded_; }
  // Left::request: the handler to run.
  const RequestHandler* request_handler() const { return left_handler_; }
  // Left::notification: the handler to await (null for $/cancelRequest).
  const NotificationHandler* notification_left() const { return left_notification_; }

  // A request: its response appended to `out` when it can be answered at once (the gate refuses
  // it, no handler, an inline handler); otherwise nothing is appended and the asynchronous
  // handler that must answer it is returned.
  const RequestHandler* answer(const Message& request, std::string& out);
  // The asynchronous handler of a notification (null: an inline one, handled, or none).
  const NotificationHandler* notification_handler(const Message& notification);

 private:
  struct Route {
    RequestHandler async;
    InlineHandler now;
    ParamsCheck params = ParamsCheck::now;
  };
  struct NotificationRoute {
    NotificationHandler async;
    InlineNotificationHandler now;
  };
  template <typename T>
  using Table = MethodTable<T>;

  // answer() with the route already found (null: none). Sets reread_ instead of answering when
  // the request's unchecked params turn out not to be JSON.
  const RequestHandler* answer(const Message& request, const Route* route, std::string& out);
  // handle() from the decoded body on.
  Left dispatch(protocol::Outbox& out);
  // The message in decoded_ decoded again by the general decoder (params checked), dispatched.
  [[gnu::cold, gnu::noinline]] Left reread(protocol::Outbox& out);

  Table<Route> requests_;
  Table<NotificationRoute> notifications_;
  RequestGate gate_;
  RequestHandler fallback_;
  InlineHandler fallback_now_;
  Decoded decoded_;
  const RequestHandler* left_handler_ = nullptr;
  const NotificationHandler* left_notification_ = nullptr;
  bool reread_ = false;
};

}  // namespace moonring::jsonrpc
