// The debug adapter's session (see server.hpp).
#include "dap/server.hpp"

namespace moonring::dap {

Server::Server(Endpoint& endpoint) : endpoint_(endpoint) {
  endpoint_.on_request("initialize", [this](const Message& m) -> Task<Reply> {
    if (client_) co_return Reply::fail("initialize was already received");
    InitializeArguments args;
    if (auto error = decode_initialize_arguments(m.arguments, args)) co_return Reply::fail(*error);
    client_ = std::move(args);
    // Only what this adapter really does so far.
    Reply reply = Reply::ok("{\"supportsCancelRequest\":true}");
    reply.then = [this] { endpoint_.send_event("initialized", ""); };
    co_return reply;
  });
  endpoint_.on_request("disconnect", [this](const Message& m) -> Task<Reply> {
    DisconnectArguments args;
    if (auto error = decode_disconnect_arguments(m.arguments, args)) co_return Reply::fail(*error);
    // No debuggee yet: terminateDebuggee and suspendDebuggee have nothing to act on.
    disconnect_ = args;
    Reply reply = Reply::ok();
    reply.then = [this] { endpoint_.close(); };
    co_return reply;
  });
}

}  // namespace moonring::dap
