// A DAP session over a Wire (see endpoint.hpp).
#include "protocol/dap/endpoint.hpp"

#include <cstdio>
#include <exception>

#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace moonring::dap {

namespace {
// The `requestId` of a cancel request's arguments (0 when absent).
int64_t cancelled_request_id(std::string_view arguments) {
  std::size_t at = arguments.find("\"requestId\"");
  if (at == std::string_view::npos) return 0;
  std::size_t i = arguments.find(':', at);
  if (i == std::string_view::npos) return 0;
  ++i;
  while (i < arguments.size() && (arguments[i] == ' ' || arguments[i] == '\t')) ++i;
  int64_t n = 0;
  while (i < arguments.size() && arguments[i] >= '0' && arguments[i] <= '9' && n < (INT64_MAX / 10))
    n = n * 10 + (arguments[i++] - '0');
  return n;
}
}  // namespace

Endpoint::Endpoint(protocol::Wire& wire) : wire_(wire) {}

void Endpoint::on_request(std::string command, RequestHandler handler) {
  handlers_[std::move(command)] = std::move(handler);
}

void Endpoint::close() {
  session_.close();
}

Task<Result<void>> Endpoint::run() {
  co_return co_await session_.run(
      wire_,
      [this](protocol::Body body) -> std::optional<Task<void>> {
        return handle_body(std::move(body));
      },
      [this] { replies_.fail_all(); });
}

Task<void> Endpoint::handle_body(protocol::Body body) {
  auto decoded = decode(std::move(body));
  if (auto* invalid = std::get_if<Invalid>(&decoded)) {
    std::fprintf(stderr, "moonring: %s: %s\n", wire_.name().c_str(), invalid->reason.c_str());
    // A request we could read the seq of still gets its (failed) response.
    if (invalid->seq > 0)
      send_response(invalid->seq, invalid->command, Reply::fail(invalid->reason));
    co_return;
  }
  Message& m = std::get<Message>(decoded);
  if (m.kind == Kind::response) {
    int64_t seq = m.request_seq;
    replies_.deliver(seq, std::move(m));
    co_return;
  }
  if (m.kind == Kind::event) co_return;  // clients send no events to adapters
  if (m.command == "cancel") {
    if (auto it = running_by_seq_.find(cancelled_request_id(m.arguments));
        it != running_by_seq_.end())
      it->second->cancel();
    send_response(m.seq, m.command, Reply::ok());
    co_return;
  }
  spawn_request(std::make_shared<const Message>(std::move(m)));
}

void Endpoint::spawn_request(std::shared_ptr<const Message> message) {
  auto source = std::make_unique<CancellationSource>(session_.token());
  CancellationToken token = source->token();
  running_by_seq_[message->seq] = source.get();
  auto run_one = [](Endpoint* self, std::shared_ptr<const Message> m,
                    std::unique_ptr<CancellationSource> owned) -> Task<void> {
    Reply reply;
    auto it = self->handlers_.find(m->command);
    if (it == self->handlers_.end()) {
      reply = Reply::fail("unsupported request: " + std::string(m->command));
    } else {
      try {
        reply = co_await it->second(*m);
      } catch (const std::exception& e) {
        reply = Reply::fail(std::string("internal error: ") + e.what());
      }
    }
    if (!reply.success && owned->cancelled()) reply.message = "cancelled";
    self->running_by_seq_.erase(m->seq);
    self->send_response(m->seq, m->command, reply);
    if (reply.then) reply.then();
  };
  session_.request_started();
  spawn_root(
      run_one(this, std::move(message), std::move(source)),
      [this](Outcome<void>&&) { session_.request_finished(); }, std::move(token), nullptr);
}

void Endpoint::send_response(int64_t request_seq, std::string_view command, const Reply& reply) {
  std::string out;
  append_response(out, next_seq_++, request_seq, command, reply.success, reply.message, reply.body);
  wire_.send(out);
}

void Endpoint::send_event(std::string_view event, std::string_view body_json) {
  std::string out;
  append_event(out, next_seq_++, event, body_json);
  wire_.send(out);
}

Task<Result<Message>> Endpoint::request(std::string_view command, std::string_view arguments_json,
                                        std::chrono::milliseconds limit) {
  int64_t seq = next_seq_++;
  std::string out;
  append_request(out, seq, command, arguments_json);
  wire_.send(out);
  co_return co_await replies_.wait(seq, limit, std::string(command) + " (reverse request)");
}

}  // namespace moonring::dap
