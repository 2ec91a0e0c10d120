// The JSON-RPC method table and the handling that needs no waiting (see dispatcher.hpp).
#include "protocol/jsonrpc/dispatcher.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>

namespace moonring::jsonrpc {

std::string& Responder::result() {
  if (state_ == State::empty) {
    append_result_head(out_, id_);
    result_at_ = out_.size();
    state_ = State::result;
  }
  return out_;
}

void Responder::error(int code, std::string_view message) {
  fail(ErrorObject{code, std::string(message), {}});
}

void Responder::fail(const ErrorObject& error) {
  out_.resize(start_);
  state_ = State::done;
  if (!params_are_json(request_)) {
    reread_ = true;
    return;
  }
  append_error(out_, id_, error);
  state_ = State::done;
}

void Responder::finish() {
  switch (state_) {
    case State::empty:
      append_result(out_, id_, "null");
      break;
    case State::result:
      if (out_.size() == result_at_) out_ += "null";
      out_ += '}';
      break;
    case State::done:
      break;
  }
  state_ = State::done;
}

void Dispatcher::on_request(std::string method, RequestHandler handler) {
  requests_.set(std::move(method), Route{std::move(handler), {}});
}

void Dispatcher::on_request_inline(std::string method, InlineHandler handler, ParamsCheck params) {
  requests_.set(std::move(method), Route{{}, std::move(handler), params});
}

void Dispatcher::on_notification(std::string method, NotificationHandler handler) {
  notifications_.set(std::move(method), NotificationRoute{std::move(handler), {}});
}

void Dispatcher::on_notification_inline(std::string method, InlineNotificationHandler handler) {
  notifications_.set(std::move(method), NotificationRoute{{}, std::move(handler)});
}

const RequestHandler* Dispatcher::answer(const Message& request, std::string& out) {
  return answer(request, requests_.find(request.method), out);
}

const RequestHandler* Dispatcher::answer(const Message& request, const Route* route,
                                         std::string& out) {
  if (gate_) {
    if (auto refused = gate_(request)) {
      // A message that may not be what it seems is read again before it is refused.
      if (!params_are_json(request)) {
        reread_ = true;
        return nullptr;
      }
      append_error(out, request.id, *refused);
      return nullptr;
    }
  }
  const InlineHandler* now = nullptr;
  if (route != nullptr) {
    if (!route->now) return &route->async;
    now = &route->now;
  } else if (fallback_now_) {
    now = &fallback_now_;
  } else if (fallback_) {
    return &fallback_;
  } else {
    append_error(
        out, request.id,
        ErrorObject{
            code::method_not_found, "method not found: " + std::string(request.method), {}});
    return nullptr;
  }
  Responder responder(out, request);
  try {
    (*now)(request, responder);
  } catch (const std::exception& e) {
    responder.fail(
        ErrorObject{code::internal_error, std::string("internal error: ") + e.what(), {}});
  }
  responder.finish();
  reread_ = responder.reread_;
  return nullptr;
}

const NotificationHandler* Dispatcher::notification_handler(const Message& notification) {
  const NotificationRoute* route = notifications_.find(notification.method);
  if (route == nullptr) return nullptr;
  if (!route->now) return &route->async;
  try {
    route->now(notification);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "moonring: notification %.*s failed: %s\n",
                 static_cast<int>(notification.method.size()), notification.method.data(),
                 e.what());
  }
  return nullptr;
}

Dispatcher::Left Dispatcher::reread(protocol::Outbox& out) {
  const Message& m = std::get<Message>(decoded_.items.front());
  protocol::Body body = protocol::Body::copy_of(m.body->view());
  decode(std::move(body), decoded_, ParamsCheck::now);
  return dispatch(out);
}

Dispatcher::Left Dispatcher::dispatch(protocol::Outbox& out) {
  left_handler_ = nullptr;
  left_notification_ = nullptr;
  reread_ = false;
  if (decoded_.batch) return Left::batch;
  Item& item = decoded_.items.front();
  if (const auto* invalid = std::get_if<Invalid>(&item)) {
    append_error(out.open_frame(), invalid->id, invalid->error);
    out.close_frame();
    return Left::nothing;
  }
  Message& m = std::get<Message>(item);
  const Route* route = m.kind == Kind::request ? requests_.find(m.method) : nullptr;
  // Params left unchecked by decode are checked now, unless an inline handler that reads them
  // with a checking typed reader takes them.
  if (!m.params_checked &&
      !(route != nullptr && route->now && route->params == ParamsCheck::deferred)) {
    if (!params_are_json(m)) return reread(out);
    m.params_checked = true;
  }
  switch (m.kind) {
    case Kind::request: {
      std::string& frame = out.open_frame();
      left_handler_ = answer(m, route, frame);
      if (reread_) {
        out.drop_frame();
        return reread(out);
      }
      if (left_handler_ == nullptr) {
        out.close_frame();
        return Left::nothing;
      }
      out.drop_frame();
      return Left::request;
    }
    case Kind::notification:
      if (m.method == "$/cancelRequest") return Left::notification;
      left_notification_ = notification_handler(m);
      if (left_notification_ != nullptr) return Left::notification;
      return Left::nothing;  // handled inline, or unknown (ignored, LSP 3.17)
    case Kind::response:
      return Left::response;
  }
  return Left::nothing;
}

Dispatcher::Left Dispatcher::handle(protocol::Body body, protocol::Outbox& out) {
  decode(std::move(body), decoded_, ParamsCheck::deferred);
  return dispatch(out);
}

}  // namespace moonring::jsonrpc
