// The debug adapter's session over real pipes: initialize answers with capabilities and then
// the `initialized` event, unknown requests fail clearly, `cancel` reaches a running request,
// reverse requests are correlated, disconnect ends the session.
#include "dap/server.hpp"
#include "lang/lua/debug/backend.hpp"
#include "protocol/wire.hpp"
#include "runtime/spawn.hpp"
#include "tests/session/session_harness.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
template <typename Setup, typename Client>
void dap_session(Setup setup, Client client) {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto pipes = test::PipePair::make();
    protocol::Wire wire(pipes.server_input(), pipes.server_output(), "test");
    dap::Endpoint endpoint(wire);
    const lua::debug::LuaDebugBackend backend;
    dap::Server server(endpoint, backend);
    setup(endpoint);
    auto served = spawn(endpoint.run());
    test::WireClient c(pipes);
    co_await client(c);
    auto r = co_await std::move(served);  // the client's script ends with disconnect
    CHECK(r.ok());
  });
}

bool has(const std::string& body, std::string_view part) {
  return body.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("initialize, then the initialized event; disconnect ends the session") {
  dap_session(
      [](dap::Endpoint&) {},
      [](test::WireClient& c) -> Task<void> {
        co_await c.send(
            R"({"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"lua"}})");
        std::string response = co_await c.receive();
        CHECK(has(response, R"("type":"response")"));
        CHECK(has(response, R"("request_seq":1)"));
        CHECK(has(response, R"("success":true)"));
        CHECK(has(response, R"("supportsCancelRequest":true)"));
        std::string event = co_await c.receive();
        CHECK(has(event, R"("type":"event")"));
        CHECK(has(event, R"("event":"initialized")"));
        co_await c.send(R"({"seq":2,"type":"request","command":"stepBack","arguments":{}})");
        std::string unsupported = co_await c.receive();
        CHECK(has(unsupported, R"("success":false)"));
        CHECK(has(unsupported, "unsupported request: stepBack"));
        co_await c.send(R"({"seq":3,"type":"request","command":"disconnect","arguments":{}})");
        std::string bye = co_await c.receive();
        CHECK(has(bye, R"("request_seq":3)"));
      });
}

TEST_CASE("cancel reaches a running request; reverse requests get their responses") {
  auto reverse = std::make_shared<std::string>();
  auto setup = [reverse](dap::Endpoint& e) {
    e.on_request("slow", [](const dap::Message&) -> Task<dap::Reply> {
      bool finished = co_await sleep(10s);
      co_return finished ? dap::Reply::ok() : dap::Reply::fail("interrupted");
    });
    e.on_request("askClient", [reverse, &e](const dap::Message&) -> Task<dap::Reply> {
      auto r = co_await e.request("runInTerminal", R"({"args":["lua"]})", 2s);
      *reverse = r.ok() ? std::string(r->body_json) : r.error().message();
      co_return dap::Reply::ok();
    });
  };
  dap_session(setup, [reverse](test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"seq":1,"type":"request","command":"slow"})");
    co_await c.send(R"({"seq":2,"type":"request","command":"cancel","arguments":{"requestId":1}})");
    std::string first = co_await c.receive();
    std::string second = co_await c.receive();
    std::string cancelled = has(first, R"("request_seq":1)") ? first : second;
    CHECK(has(cancelled, R"("success":false)"));
    CHECK(has(cancelled, R"("message":"cancelled")"));

    co_await c.send(R"({"seq":3,"type":"request","command":"askClient"})");
    std::string request = co_await c.receive();
    CHECK(has(request, R"("command":"runInTerminal")"));
    auto at = request.find(R"("seq":)");
    REQUIRE(at != std::string::npos);
    std::string seq = request.substr(at + 6, request.find_first_of(",}", at) - at - 6);
    co_await c.send(R"({"seq":4,"type":"response","request_seq":)" + seq +
                    R"(,"command":"runInTerminal","success":true,"body":{"processId":42}})");
    std::string done = co_await c.receive();
    CHECK(has(done, R"("request_seq":3)"));
    CHECK(*reverse == R"({"processId":42})");
    co_await c.send(R"({"seq":5,"type":"request","command":"disconnect"})");
    std::string bye = co_await c.receive();
    CHECK(has(bye, R"("request_seq":5)"));
  });
}

TEST_CASE("initialize and disconnect arguments are typed: a bad field is named") {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto pipes = test::PipePair::make();
    protocol::Wire wire(pipes.server_input(), pipes.server_output(), "test");
    dap::Endpoint endpoint(wire);
    const lua::debug::LuaDebugBackend backend;
    dap::Server server(endpoint, backend);
    auto served = spawn(endpoint.run());
    test::WireClient c(pipes);
    co_await c.send(R"({"seq":1,"type":"request","command":"initialize","arguments":{}})");
    std::string missing = co_await c.receive();
    CHECK(has(missing, R"("success":false)"));
    CHECK(has(missing, R"("message":"initialize: missing required field 'adapterID'")"));
    CHECK_FALSE(server.client());
    co_await c.send(
        R"({"seq":2,"type":"request","command":"initialize","arguments":{"adapterID":"lua",)"
        R"("linesStartAt1":"no"}})");
    std::string mistyped = co_await c.receive();
    CHECK(has(mistyped, R"("message":"initialize: field 'linesStartAt1' must be a boolean")"));
    co_await c.send(
        R"({"seq":3,"type":"request","command":"initialize","arguments":{"adapterID":"lua",)"
        R"("clientID":"vscode","columnsStartAt1":false,"pathFormat":"uri","whatever":[]}})");
    std::string ok = co_await c.receive();
    CHECK(has(ok, R"("request_seq":3)"));
    CHECK(has(ok, R"("success":true)"));
    std::string event = co_await c.receive();
    CHECK(has(event, R"("event":"initialized")"));
    REQUIRE(server.client());
    CHECK(server.client()->adapter_id == "lua");
    CHECK(server.client()->client_id == "vscode");
    CHECK(server.client()->lines_start_at1);
    CHECK_FALSE(server.client()->columns_start_at1);
    CHECK(server.client()->path_format == "uri");
    co_await c.send(
        R"({"seq":4,"type":"request","command":"disconnect","arguments":{"restart":"x"}})");
    std::string bad = co_await c.receive();
    CHECK(has(bad, R"("message":"disconnect: field 'restart' must be a boolean")"));
    CHECK_FALSE(server.disconnect());
    co_await c.send(
        R"({"seq":5,"type":"request","command":"disconnect","arguments":{"terminateDebuggee":true}})");
    std::string bye = co_await c.receive();
    CHECK(has(bye, R"("request_seq":5)"));
    CHECK(has(bye, R"("success":true)"));
    auto r = co_await std::move(served);
    CHECK(r.ok());
    REQUIRE(server.disconnect());
    CHECK(server.disconnect()->terminate_debuggee == true);
    CHECK_FALSE(server.disconnect()->restart);
  });
}
