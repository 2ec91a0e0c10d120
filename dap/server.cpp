// The debug adapter's session (see server.hpp).
#include "dap/server.hpp"

namespace moonring::dap {

Server::Server(Endpoint& endpoint) : endpoint_(endpoint) {
  endpoint_.on_request("initialize", [this](const Message&) -> Task<Reply> {
    if (initialized_) co_return Reply::fail("initialize was already received");
    initialized_ = true;
    // Only what this adapter really does so far.
    Reply reply = Reply::ok("{\"supportsCancelRequest\":true}");
    reply.then = [this] { endpoint_.send_event("initialized", ""); };
    co_return reply;
  });
  endpoint_.on_request("disconnect", [this](const Message&) -> Task<Reply> {
    Reply reply = Reply::ok();
    reply.then = [this] { endpoint_.close(); };
    co_return reply;
  });
}

}  // namespace moonring::dap
