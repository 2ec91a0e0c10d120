// The protocol subcommands `moonring lsp` and `moonring dap` (`moonring jsonrpc-echo`, the
// bench's subject, is jsonrpc_echo.cpp).
#include "app/protocol_commands.hpp"

#include <cstdio>

#include "app/serve.hpp"
#include "dap/server.hpp"
#include "lsp/server.hpp"
#include "protocol/dap/endpoint.hpp"
#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/wire.hpp"

namespace moonring::app {

namespace {
void report(const Result<void>& r) {
  if (!r) std::fprintf(stderr, "moonring: %s\n", r.error().message().c_str());
}
}  // namespace

int lsp_command(std::vector<std::string_view> args) {
  return serve("lsp", std::move(args),
               [](FdStream& in, FdStream& out, std::string name) -> Task<int> {
                 protocol::Wire wire(in, out, "lsp " + name);
                 jsonrpc::Endpoint endpoint(wire);
                 lsp::Server server(endpoint);
                 report(co_await endpoint.run());
                 co_return server.exit_code();
               });
}

int dap_command(std::vector<std::string_view> args) {
  return serve("dap", std::move(args),
               [](FdStream& in, FdStream& out, std::string name) -> Task<int> {
                 protocol::Wire wire(in, out, "dap " + name);
                 dap::Endpoint endpoint(wire);
                 dap::Server server(endpoint);
                 report(co_await endpoint.run());
                 co_return 0;
               });
}

}  // namespace moonring::app
