// A JSON-RPC 2.0 session over a Wire (see endpoint.hpp).
#include "protocol/jsonrpc/endpoint.hpp"

#include <cstdio>
#include <exception>

#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"

namespace moonring::jsonrpc {

namespace {
std::string id_key(const Id& id) {
  std::string key;
  id.append_json(key);
  return key;
}

}  // namespace

Endpoint::Endpoint(protocol::Wire& wire) : wire_(wire) {}

void Endpoint::close() {
  session_.close();
}

Task<Result<void>> Endpoint::run() {
  co_return co_await session_.run(
      wire_, [this](protocol::Body body) { return on_body(std::move(body)); },
      [this] { replies_.fail_all(); });
}

// Whatever the dispatcher cannot finish at once: a request as its own task, a notification's
// handler awaited before reading on, a response to one of ours, a batch.
std::optional<Task<void>> Endpoint::on_body(protocol::Body body) {
  using Left = Dispatcher::Left;
  const Left left = dispatcher_.handle(std::move(body), wire_.outbox());
  wire_.output_ready();
  if (left == Left::nothing) return std::nullopt;
  if (left == Left::batch) return handle_batch(std::move(dispatcher_.decoded()));
  Message m = std::get<Message>(std::move(dispatcher_.decoded().items.front()));
  switch (left) {
    case Left::request:
      spawn_request(std::move(m), dispatcher_.request_handler());
      break;
    case Left::notification:
      if (const NotificationHandler* handler = dispatcher_.notification_left()) {
        return run_notification(std::move(m), handler);
      }
      cancel_request(m.params);  // $/cancelRequest
      break;
    case Left::response:
      handle_response(std::move(m));
      break;
    default:
      break;
  }
  return std::nullopt;
}

Task<void> Endpoint::handle_batch(Decoded batch) {
  // Notifications in order now, requests concurrently, one array of replies.
  std::vector<std::string> replies;
  std::vector<Task<std::string>> answers;
  for (Item& item : batch.items) {
    if (auto* invalid = std::get_if<Invalid>(&item)) {
      append_error(replies.emplace_back(), invalid->id, invalid->error);
      continue;
    }
    Message& m = std::get<Message>(item);
    if (m.kind == Kind::notification) {
      if (m.method == "$/cancelRequest") {
        cancel_request(m.params);
      } else if (const NotificationHandler* handler = dispatcher_.notification_handler(m)) {
        co_await run_notification(std::move(m), handler);
      }
    } else if (m.kind == Kind::response) {
      handle_response(std::move(m));
    } else {
      std::string reply;
      if (const RequestHandler* handler = dispatcher_.answer(m, reply)) {
        answers.push_back(answer(std::move(m), handler));
      } else {
        replies.push_back(std::move(reply));
      }
    }
  }
  if (replies.empty() && answers.empty()) co_return;  // only notifications: no reply at all
  auto send_batch = [](Endpoint* self, std::vector<Task<std::string>> tasks,
                       std::vector<std::string> ready) -> Task<void> {
    auto answered = co_await when_all(std::move(tasks));
    std::string out = "[";
    for (auto* list : {&ready, &answered})
      for (auto& r : *list) {
        if (out.size() > 1) out += ',';
        out += r;
      }
    out += ']';
    self->wire_.send(out);
  };
  session_.request_started();
  spawn_root(
      send_batch(this, std::move(answers), std::move(replies)),
      [this](Outcome<void>&&) { session_.request_finished(); }, session_.token(), nullptr);
}

Task<void> Endpoint::run_notification(Message m, const NotificationHandler* handler) {
  try {
    co_await (*handler)(m);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "moonring: %s: notification %.*s failed: %s\n", wire_.name().c_str(),
                 static_cast<int>(m.method.size()), m.method.data(), e.what());
  }
}

void Endpoint::cancel_request(std::string_view params) {
  // params: {"id": <integer or string>}. Requests in flight are keyed by their id's JSON text,
  // so the id's text is looked up as it stands.
  std::size_t at = params.find("\"id\"");
  if (at == std::string_view::npos) return;
  std::string_view rest = params.substr(at + 4);
  std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return;
  rest = rest.substr(colon + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '\n' ||
                           rest.front() == '\r'))
    rest.remove_prefix(1);
  std::size_t end = 0;
  if (!rest.empty() && rest.front() == '"') {
    end = rest.find('"', 1);
    if (end == std::string_view::npos) return;
    ++end;
  } else {
    while (end < rest.size() && (rest[end] == '-' || (rest[end] >= '0' && rest[end] <= '9'))) ++end;
  }
  auto it = cancellable_.find(std::string(rest.substr(0, end)));
  if (it != cancellable_.end()) it->second->cancel();
}

void Endpoint::handle_response(Message message) {
  if (message.id.kind != Id::Kind::integer) return;  // we only send integer ids
  int64_t id = message.id.integer;
  replies_.deliver(id, std::move(message));
}

void Endpoint::spawn_request(Message message, const RequestHandler* handler) {
  auto source = std::make_unique<CancellationSource>(session_.token());
  CancellationToken token = source->token();
  std::string key = id_key(message.id);
  cancellable_[key] = source.get();
  auto run_one = [](Endpoint* self, Message m, const RequestHandler* h,
                    std::unique_ptr<CancellationSource> owned, std::string k) -> Task<void> {
    std::string reply = co_await self->answer(std::move(m), h);
    if (auto it = self->cancellable_.find(k);
        it != self->cancellable_.end() && it->second == owned.get())
      self->cancellable_.erase(it);
    self->wire_.send(reply);
  };
  session_.request_started();
  spawn_root(
      run_one(this, std::move(message), handler, std::move(source), std::move(key)),
      [this](Outcome<void>&&) { session_.request_finished(); }, std::move(token), nullptr);
}

Task<std::string> Endpoint::answer(Message m, const RequestHandler* handler) {
  Reply reply;
  try {
    reply = co_await (*handler)(m);
  } catch (const std::exception& e) {
    reply = Reply::fail(code::internal_error, std::string("internal error: ") + e.what());
  }
  std::string out;
  if (reply.error) {
    if (Core::current()->token().cancelled())
      reply.error = ErrorObject{code::request_cancelled, "request cancelled", {}};
    append_error(out, m.id, *reply.error);
  } else {
    append_result(out, m.id, reply.result);
  }
  co_return out;
}

void Endpoint::notify(std::string_view method, std::string_view params_json) {
  std::string out;
  append_notification(out, method, params_json);
  wire_.send(out);
}

Task<Result<Message>> Endpoint::request(std::string_view method, std::string_view params_json,
                                        std::chrono::milliseconds limit) {
  int64_t id = next_id_++;
  std::string out;
  append_request(out, Id::of(id), method, params_json);
  wire_.send(out);
  co_return co_await replies_.wait(id, limit, std::string(method) + " (request to the client)");
}

Task<Result<void>> Endpoint::create_progress(std::string_view token) {
  std::string params = "{\"token\":";
  append_json_string(params, token);
  params += '}';
  auto r = co_await request("window/workDoneProgress/create", params, std::chrono::seconds(10));
  if (!r) co_return r.take_error();
  if (r->error)
    co_return Error{std::make_error_code(std::errc::operation_not_permitted),
                    "window/workDoneProgress/create: " + r->error->message};
  co_return Result<void>{};
}

void Endpoint::progress(std::string_view token, std::string_view value_json) {
  std::string params = "{\"token\":";
  append_json_string(params, token);
  params += ",\"value\":";
  params += value_json;
  params += '}';
  notify("$/progress", params);
}

}  // namespace moonring::jsonrpc
