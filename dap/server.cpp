// The debug adapter's session: requests from the editor (see server.hpp). Starting a debuggee is
// session_start.cpp; its end, its output and the agent's events are session_end.cpp.
#include "dap/server.hpp"

#include <signal.h>

#include "protocol/jsonrpc/message.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace moonring::dap {
namespace {

// The requests the agent answers (docs/debugger.md); the adapter maps their seq numbers.
constexpr std::string_view kForwarded[] = {
    "threads",
    "stackTrace",
    "scopes",
    "variables",
    "evaluate",
    "setVariable",
    "setExpression",
    "setBreakpoints",
    "setFunctionBreakpoints",
    "setExceptionBreakpoints",
    "exceptionInfo",
    "continue",
    "next",
    "stepIn",
    "stepOut",
    "pause",
    "loadedSources",
    "configurationDone",
};

// What this adapter and the agent behind it really do.
std::string capabilities(const service::DebugBackend& backend) {
  std::string out =
      "{\"supportsConfigurationDoneRequest\":true,\"supportsFunctionBreakpoints\":true,"
      "\"supportsConditionalBreakpoints\":true,\"supportsHitConditionalBreakpoints\":true,"
      "\"supportsLogPoints\":true,\"supportsEvaluateForHovers\":true,"
      "\"supportsSetVariable\":true,\"supportsSetExpression\":true,"
      "\"supportsExceptionInfoRequest\":true,\"supportsLoadedSourcesRequest\":true,"
      "\"supportsDelayedStackTraceLoading\":true,\"supportsTerminateRequest\":true,"
      "\"supportTerminateDebuggee\":true,\"supportsCancelRequest\":true,"
      "\"exceptionBreakpointFilters\":[";
  bool first = true;
  for (const service::ExceptionFilter& f : backend.exception_filters()) {
    if (!first) out += ',';
    first = false;
    out += "{\"filter\":";
    jsonrpc::append_json_string(out, f.filter);
    out += ",\"label\":";
    jsonrpc::append_json_string(out, f.label);
    out += ",\"description\":";
    jsonrpc::append_json_string(out, f.description);
    out += f.on_by_default ? ",\"default\":true}" : ",\"default\":false}";
  }
  out += "]}";
  return out;
}

}  // namespace

Server::Server(Endpoint& endpoint, const service::DebugBackend& backend, Limits limits)
    : endpoint_(endpoint),
      backend_(backend),
      limits_(limits),
      background_(Core::current()->stop_token()) {
  endpoint_.on_request("initialize", [this](const Message& m) -> Task<Reply> {
    if (client_) co_return Reply::fail("initialize was already received");
    InitializeArguments args;
    if (auto error = decode_initialize_arguments(m.arguments, args)) co_return Reply::fail(*error);
    client_ = std::move(args);
    Reply reply = Reply::ok(capabilities(backend_));
    reply.then = [this] { endpoint_.send_event("initialized", ""); };
    co_return reply;
  });
  endpoint_.on_request("launch", [this](const Message& m) { return on_launch(m); });
  endpoint_.on_request("attach", [this](const Message& m) { return on_attach(m); });
  endpoint_.on_request("disconnect", [this](const Message& m) { return on_disconnect(m); });
  endpoint_.on_request("terminate", [this](const Message& m) { return on_terminate(m); });
  for (std::string_view command : kForwarded)
    endpoint_.on_request(std::string(command), [this](const Message& m) { return forward(m); });
}

Server::~Server() = default;

void Server::start(Task<void> task) {
  ++tasks_;
  spawn_root(
      std::move(task),
      [this](Outcome<void>&& o) {
        if (o.exception()) moonring::detail::report_detached_failure(o.exception());
        if (--tasks_ == 0) tasks_done_.set();
      },
      background_.token(), nullptr);
}

void Server::send_event(std::string_view event, std::string_view body) {
  if (!client_gone_) endpoint_.send_event(event, body);
}

void Server::output(std::string_view category, std::string_view text) {
  std::string body = "{\"category\":";
  jsonrpc::append_json_string(body, category);
  body += ",\"output\":";
  jsonrpc::append_json_string(body, text);
  body += '}';
  send_event("output", body);
}

Task<Reply> Server::on_launch(const Message& m) {
  if (!client_) co_return Reply::fail("launch: initialize first");
  if (mode_ != Mode::none) co_return Reply::fail("launch: this session already has a debuggee");
  auto config = read_launch_config(m.arguments);
  if (!config) co_return Reply::fail(config.error().context);
  mode_ = Mode::launch;
  auto started = co_await launch(*config);
  if (!started) {
    start_failed(started.error().message());
    co_return Reply::fail(*start_error_);
  }
  co_return Reply::ok();
}

Task<Reply> Server::on_attach(const Message& m) {
  if (!client_) co_return Reply::fail("attach: initialize first");
  if (mode_ != Mode::none) co_return Reply::fail("attach: this session already has a debuggee");
  auto config = read_attach_config(m.arguments);
  if (!config) co_return Reply::fail(config.error().context);
  mode_ = Mode::attach;
  auto started = co_await attach(*config);
  if (!started) {
    start_failed(started.error().message());
    co_return Reply::fail(*start_error_);
  }
  co_return Reply::ok();
}

void Server::start_failed(std::string why) {
  start_error_ = std::move(why);
  connected_.set();  // requests waiting for the debuggee fail with this
  if (process_) process_->kill(SIGKILL);
  if (link_) link_->close();
}

namespace {
Task<Result<void>> wait_set(Event& event) {
  const bool set = co_await event.wait();
  if (!set) co_return runtime_error(RuntimeErrc::cancelled, "");
  co_return Result<void>{};
}
}  // namespace

Task<Result<void>> Server::wait_connected() {
  auto waited = co_await with_timeout(limits_.connect + limits_.handshake, wait_set(connected_),
                                      "waiting for the debuggee (launch or attach first)");
  if (!waited) co_return waited.take_error();
  if (start_error_)
    co_return Error{std::make_error_code(std::errc::not_connected),
                    "no debuggee: " + *start_error_};
  co_return Result<void>{};
}

Task<Reply> Server::forward(const Message& m) {
  auto connected = co_await wait_connected();
  if (!connected) co_return Reply::fail(connected.error().message());
  if (!link_ || !link_->running()) co_return Reply::fail("the debuggee has ended");
  auto answer = co_await link_->request(m.command, m.arguments, limits_.request);
  if (!answer) co_return Reply::fail(answer.error().message());
  Reply reply;
  reply.success = answer->success;
  reply.message = std::string(answer->message);
  reply.body = std::string(answer->body_json);
  co_return reply;
}

Task<Reply> Server::on_disconnect(const Message& m) {
  DisconnectArguments args;
  if (auto error = decode_disconnect_arguments(m.arguments, args)) co_return Reply::fail(*error);
  disconnect_ = args;
  // A launched program is ended unless the client says otherwise; an attached one is left.
  const bool terminate = args.terminate_debuggee.value_or(mode_ == Mode::launch);
  if (mode_ != Mode::none) co_await end_debuggee(terminate);
  Reply reply = Reply::ok();
  reply.then = [this] { endpoint_.close(); };
  co_return reply;
}

Task<Reply> Server::on_terminate(const Message&) {
  if (mode_ == Mode::none) co_return Reply::fail("terminate: there is no debuggee");
  if (!ending_) co_await end_debuggee(true);
  co_return Reply::ok();
}

Task<void> Server::finish() {
  client_gone_ = true;
  if (mode_ != Mode::none && !disconnect_) {
    // The editor vanished without a disconnect.
    co_await end_debuggee(mode_ == Mode::launch);
  }
  if (link_) link_->close();
  background_.cancel();
  {
    // The session's tasks read the child's pipes and the agent's socket, which this object owns:
    // they are cancelled above and must end before it goes, even while the runtime stops (the
    // ambient token is then cancelled too, and a plain wait would return at once).
    moonring::detail::AmbientTokenScope uncancellable{CancellationToken{}};
    while (tasks_ > 0) {
      tasks_done_.reset();
      co_await tasks_done_.wait();
    }
  }
  process_.reset();  // kills and reaps a child still there
}

}  // namespace moonring::dap
