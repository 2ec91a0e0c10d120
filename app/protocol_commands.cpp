// The protocol subcommands `moonring lsp` and `moonring dap` (`moonring jsonrpc-echo`, the
// bench's subject, is jsonrpc_echo.cpp).
#include "app/protocol_commands.hpp"

#include <cstdio>

#include "app/serve.hpp"
#include "dap/server.hpp"
#include "lang/lua/debug/backend.hpp"
#include "lang/lua/services/lua_service.hpp"
#include "lsp/server.hpp"
#include "protocol/dap/endpoint.hpp"
#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/wire.hpp"

namespace moonring::app {

namespace {
// A session cancelled (a signal, the client process gone) was asked to end: no error to show.
void report(const Result<void>& r) {
  if (!r && !is_cancelled(r.error()))
    std::fprintf(stderr, "moonring: %s\n", r.error().message().c_str());
}
}  // namespace

int lsp_command(std::vector<std::string_view> args) {
  return serve("lsp", std::move(args),
               [](FdStream& in, FdStream& out, std::string name) -> Task<int> {
                 protocol::Wire wire(in, out, "lsp " + name);
                 jsonrpc::Endpoint endpoint(wire);
                 lsp::Server server(endpoint, [](service::Sinks sinks) {
                   return std::make_unique<lua::LuaService>(std::move(sinks));
                 });
                 report(co_await endpoint.run());
                 co_await server.finish();
                 co_return server.exit_code();
               });
}

int dap_command(std::vector<std::string_view> args) {
  return serve("dap", std::move(args),
               [](FdStream& in, FdStream& out, std::string name) -> Task<int> {
                 protocol::Wire wire(in, out, "dap " + name);
                 dap::Endpoint endpoint(wire);
                 const lua::debug::LuaDebugBackend backend;
                 dap::Server server(endpoint, backend);
                 report(co_await endpoint.run());
                 co_await server.finish();  // no debuggee left behind
                 co_return 0;
               });
}

}  // namespace moonring::app
