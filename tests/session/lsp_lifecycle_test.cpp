// The language server's lifecycle over real pipes: -32002 before initialize, the initialize
// result, invalid params naming the field, shutdown, exit and the exit code.
#include "lsp/server.hpp"
#include "protocol/wire.hpp"
#include "runtime/spawn.hpp"
#include "tests/session/session_harness.hpp"

using namespace moonring;

namespace {
// Runs the LSP server on pipes, the client script against it; returns the server's exit code.
template <typename Client>
int lsp_session(Client client) {
  auto rt = test::start_runtime();
  return rt->block_on([&]() -> Task<int> {
    auto pipes = test::PipePair::make();
    protocol::Wire wire(pipes.server_input(), pipes.server_output(), "test");
    jsonrpc::Endpoint endpoint(wire);
    lsp::Server server(endpoint);
    auto served = spawn(endpoint.run());
    test::WireClient c(pipes);
    co_await client(c);
    auto r = co_await std::move(served);
    CHECK(r.ok());
    co_return server.exit_code();
  });
}

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,)"
    R"("capabilities":{"general":{"positionEncodings":["utf-8","utf-16"]}}}})";
}  // namespace

TEST_CASE("lifecycle: initialize, initialized, shutdown, exit gives exit code 0") {
  int code = lsp_session([](test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":0,"method":"textDocument/hover","params":{}})");
    std::string early = co_await c.receive();
    CHECK(early.find("-32002") != std::string::npos);
    co_await c.send(kInitialize);
    std::string init = co_await c.receive();
    CHECK(init.find(R"("positionEncoding":"utf-8")") != std::string::npos);
    CHECK(init.find(R"("serverInfo":{"name":"moonring")") != std::string::npos);
    co_await c.send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
    co_await c.send(R"({"jsonrpc":"2.0","id":2,"method":"shutdown"})");
    std::string down = co_await c.receive();
    CHECK(down == R"({"jsonrpc":"2.0","id":2,"result":null})");
    co_await c.send(R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{}})");
    std::string late = co_await c.receive();
    CHECK(late.find("-32600") != std::string::npos);
    co_await c.send(R"({"jsonrpc":"2.0","method":"exit"})");
  });
  CHECK(code == 0);
}

TEST_CASE("exit without shutdown gives exit code 1; stdin EOF ends the session") {
  CHECK(lsp_session([](test::WireClient& c) -> Task<void> {
          co_await c.send(R"({"jsonrpc":"2.0","method":"exit"})");
        }) == 1);
  CHECK(lsp_session([](test::WireClient& c) -> Task<void> {
          c.close_input();
          co_return;
        }) == 1);
}

TEST_CASE("initialize with a missing required field names it: -32602") {
  lsp_session([](test::WireClient& c) -> Task<void> {
    co_await c.send(
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
    std::string reply = co_await c.receive();
    CHECK(reply.find("-32602") != std::string::npos);
    CHECK(reply.find("processId") != std::string::npos);
    co_await c.send(
        R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"processId":"x","capabilities":{}}})");
    std::string typed = co_await c.receive();
    CHECK(typed.find("-32602") != std::string::npos);
    c.close_input();
  });
}
