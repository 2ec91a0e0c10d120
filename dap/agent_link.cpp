// The adapter's connection to the agent (see agent_link.hpp).
#include "dap/agent_link.hpp"

#include <cstddef>
#include <vector>

#include "protocol/framing.hpp"
#include "runtime/io_op.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace moonring::dap {
namespace {
Error garbage(const std::string& name, std::string_view what) {
  return Error{std::make_error_code(std::errc::protocol_error),
               name + ": the agent sent what is not DAP (" + std::string(what) + ")"};
}
}  // namespace

AgentLink::AgentLink(TcpStream stream, std::string name)
    : stream_(std::move(stream)), name_(std::move(name)), wire_(stream_, stream_, name_) {}
// Requests may be queued before run() starts its writer: they go out when it does.

Task<Result<void>> AgentLink::run(EventHandler on_event) {
  CancellationSource reading(current_token());
  reading_ = &reading;
  auto writer = spawn(wire_.write());
  Result<void> result;
  if (!closed_) {
    moonring::detail::AmbientTokenScope scope(reading.token());
    result = co_await read(on_event);
  }
  reading_ = nullptr;
  running_ = false;
  replies_.fail_all();
  wire_.stop_writer();
  auto written = co_await std::move(writer);
  (void)written;  // a peer that is gone cannot be written to: the read says why
  stream_.close();
  co_return result;
}

Task<Result<void>> AgentLink::read(EventHandler& on_event) {
  protocol::FrameDecoder decoder;
  std::vector<std::byte> buffer(64 * 1024);
  for (;;) {
    auto n = co_await stream_.read_some(buffer);
    if (!n) {
      if (is_cancelled(n.error())) co_return Result<void>{};
      co_return Error{n.error().code, name_ + ": " + n.error().message()};
    }
    if (*n == 0) {
      if (decoder.buffered() > 0)
        co_return garbage(name_, "the connection closed inside a message");
      co_return Result<void>{};
    }
    decoder.feed(std::span<const std::byte>(buffer.data(), *n));
    while (auto frame = decoder.next()) {
      if (frame->kind == protocol::FrameEvent::Kind::error) co_return garbage(name_, frame->error);
      auto decoded = decode(std::move(frame->body));
      if (auto* invalid = std::get_if<Invalid>(&decoded)) co_return garbage(name_, invalid->reason);
      Message& m = std::get<Message>(decoded);
      if (m.kind == Kind::response) {
        replies_.deliver(m.request_seq, std::move(m));
      } else if (m.kind == Kind::event) {
        on_event(m);
      } else {
        // The contract has the agent answer, never ask.
        co_return garbage(name_, "a request, '" + std::string(m.command) + "'");
      }
      if (closed_) co_return Result<void>{};
    }
  }
}

void AgentLink::close() {
  closed_ = true;
  if (reading_) reading_->cancel();
}

Task<Result<Message>> AgentLink::request(std::string_view command, std::string_view arguments_json,
                                         std::chrono::milliseconds limit) {
  std::string what = name_ + ": " + std::string(command);
  if (!running_ || closed_)
    co_return runtime_error(RuntimeErrc::closed, what + ": the debuggee is not connected");
  int64_t seq = next_seq_++;
  std::string out;
  append_request(out, seq, command, arguments_json);
  wire_.send(out);
  auto answer = co_await replies_.wait(seq, limit, std::move(what));
  // The editor cancelled it: the agent may be running it still (a long evaluation), so it hears
  // of the cancel too. Its late answer finds no waiter and is dropped.
  if (!answer && is_cancelled(answer.error()) && running_ && !closed_) {
    std::string cancel;
    append_request(cancel, next_seq_++, "cancel", "{\"requestId\":" + std::to_string(seq) + "}");
    wire_.send(cancel);
  }
  co_return answer;
}

}  // namespace moonring::dap
