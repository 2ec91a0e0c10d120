// The JSON-RPC endpoint over real pipes: dispatch, unknown methods, invalid input that leaves
// the session serving, $/cancelRequest, batches, requests to the client, notification order,
// inline handlers.
#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/lsp/hover.hpp"
#include "protocol/lsp/position.hpp"
#include "protocol/wire.hpp"
#include "runtime/spawn.hpp"
#include "tests/session/session_harness.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {

// Runs `client(endpoint, wire client)` against an endpoint set up by `setup`.
template <typename Setup, typename Client>
void with_endpoint(Setup setup, Client client) {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto pipes = test::PipePair::make();
    protocol::Wire wire(pipes.server_input(), pipes.server_output(), "test");
    jsonrpc::Endpoint endpoint(wire);
    setup(endpoint);
    auto served = spawn(endpoint.run());
    test::WireClient c(pipes);
    co_await client(endpoint, c);
    c.close_input();
    auto r = co_await std::move(served);
    CHECK(r.ok());
  });
}

void add_echo(jsonrpc::Endpoint& e) {
  e.on_request("echo", [](const jsonrpc::Message& m) -> Task<jsonrpc::Reply> {
    co_return jsonrpc::Reply::ok(std::string(m.params));
  });
}

}  // namespace

TEST_CASE("a request gets its result; an unknown method gets -32601") {
  with_endpoint(add_echo, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":[1,2]}})");
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":1,"result":{"x":[1,2]}})");
    }
    co_await c.send(R"({"jsonrpc":"2.0","id":"two","method":"nope"})");
    std::string reply = co_await c.receive();
    CHECK(reply.find(R"("id":"two")") != std::string::npos);
    CHECK(reply.find("-32601") != std::string::npos);
  });
}

TEST_CASE("invalid JSON gets -32700 with a null id, and the session goes on") {
  with_endpoint(add_echo, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":)");
    std::string reply = co_await c.receive();
    CHECK(reply.find("-32700") != std::string::npos);
    CHECK(reply.find(R"("id":null)") != std::string::npos);
    co_await c.send_raw("this is not a header\r\n\r\n");
    co_await c.send(R"({"jsonrpc":"2.0","id":2,"method":"echo","params":[]})");
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":2,"result":[]})");
    }
  });
}

TEST_CASE("$/cancelRequest cancels the running handler: -32800") {
  auto setup = [](jsonrpc::Endpoint& e) {
    e.on_request("slow", [](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
      bool finished = co_await sleep(10s);  // the ambient token ends it early
      if (!finished) co_return jsonrpc::Reply::fail(jsonrpc::code::internal_error, "interrupted");
      co_return jsonrpc::Reply::ok("1");
    });
  };
  with_endpoint(setup, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    auto t0 = Clock::now();
    co_await c.send(R"({"jsonrpc":"2.0","id":7,"method":"slow"})");
    co_await c.send(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}})");
    std::string reply = co_await c.receive();
    CHECK(reply.find("-32800") != std::string::npos);
    CHECK(reply.find(R"("id":7)") != std::string::npos);
    CHECK(Clock::now() - t0 < 5s);
  });
}

TEST_CASE("requests run concurrently and answer out of order") {
  auto setup = [](jsonrpc::Endpoint& e) {
    e.on_request("after", [](const jsonrpc::Message& m) -> Task<jsonrpc::Reply> {
      co_await sleep(std::chrono::milliseconds(m.params == "[50]" ? 50 : 1));
      co_return jsonrpc::Reply::ok(std::string(m.params));
    });
  };
  with_endpoint(setup, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"after","params":[50]})");
    co_await c.send(R"({"jsonrpc":"2.0","id":2,"method":"after","params":[1]})");
    {
      std::string got = co_await c.receive();
      CHECK(got.find(R"("id":2)") != std::string::npos);
    }
    {
      std::string got = co_await c.receive();
      CHECK(got.find(R"("id":1)") != std::string::npos);
    }
  });
}

TEST_CASE("notifications are handled in the order they arrived") {
  auto log = std::make_shared<std::string>();
  auto setup = [log](jsonrpc::Endpoint& e) {
    e.on_notification("change", [log](const jsonrpc::Message& m) -> Task<void> {
      co_await sleep(std::chrono::milliseconds(m.params == "[1]" ? 30 : 1));
      *log += std::string(m.params);
    });
    e.on_request("log", [log](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
      co_return jsonrpc::Reply::ok("\"" + *log + "\"");
    });
  };
  with_endpoint(setup, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    for (int i = 1; i <= 3; ++i)
      co_await c.send(R"({"jsonrpc":"2.0","method":"change","params":[)" + std::to_string(i) +
                      "]}");
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"log"})");
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":1,"result":"[1][2][3]"})");
    }
  });
}

TEST_CASE("a batch is answered with one array; notifications in it get no reply") {
  with_endpoint(add_echo, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"([{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},)"
                    R"({"jsonrpc":"2.0","method":"ignored"},)"
                    R"({"jsonrpc":"2.0","id":2,"method":"echo","params":[2]}])");
    std::string reply = co_await c.receive();
    CHECK(reply.front() == '[');
    CHECK(reply.find(R"({"jsonrpc":"2.0","id":1,"result":[1]})") != std::string::npos);
    CHECK(reply.find(R"({"jsonrpc":"2.0","id":2,"result":[2]})") != std::string::npos);
    co_await c.send("[]");
    {
      std::string got = co_await c.receive();
      CHECK(got.find("-32600") != std::string::npos);
    }
  });
}

TEST_CASE("a request to the client gets its response, or times out clearly") {
  auto outcome = std::make_shared<std::string>();
  auto setup = [outcome](jsonrpc::Endpoint& e) {
    e.on_request("ask", [outcome, &e](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
      auto answered = co_await e.request("workspace/configuration", R"({"items":[]})", 2s);
      *outcome += answered.ok() ? std::string(answered->result) : answered.error().message();
      auto silent = co_await e.request("window/showMessageRequest", "{}", 50ms);
      *outcome += " | ";
      *outcome += silent.ok() ? std::string("answered?") : silent.error().message();
      co_return jsonrpc::Reply::ok("true");
    });
  };
  with_endpoint(setup, [outcome](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"ask"})");
    std::string request = co_await c.receive();
    CHECK(request.find(R"("method":"workspace/configuration")") != std::string::npos);
    auto id_at = request.find(R"("id":)");
    REQUIRE(id_at != std::string::npos);
    std::string id = request.substr(id_at + 5, request.find_first_of(",}", id_at) - id_at - 5);
    co_await c.send(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":[{"a":1}]})");
    {
      std::string got = co_await c.receive();
      CHECK(got.find("showMessageRequest") != std::string::npos);
    }  // never answered
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":1,"result":true})");
    }
    CHECK(*outcome == "[{\"a\":1}] | window/showMessageRequest (request to the client): timed out");
  });
}

TEST_CASE("work-done progress: create the token, then $/progress begin and end") {
  auto setup = [](jsonrpc::Endpoint& e) {
    e.on_request("index", [&e](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
      auto created = co_await e.create_progress("index-1");
      if (!created)
        co_return jsonrpc::Reply::fail(jsonrpc::code::internal_error, created.error().message());
      e.progress("index-1", R"({"kind":"begin","title":"Indexing"})");
      e.progress("index-1", R"({"kind":"end"})");
      co_return jsonrpc::Reply::ok("null");
    });
  };
  with_endpoint(setup, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"index"})");
    std::string create = co_await c.receive();
    CHECK(
        create.find(R"("method":"window/workDoneProgress/create","params":{"token":"index-1"})") !=
        std::string::npos);
    auto id_at = create.find(R"("id":)");
    REQUIRE(id_at != std::string::npos);
    std::string id = create.substr(id_at + 5, create.find_first_of(",}", id_at) - id_at - 5);
    co_await c.send(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":null})");
    std::string begin = co_await c.receive();
    CHECK(
        begin ==
        R"({"jsonrpc":"2.0","method":"$/progress","params":{"token":"index-1","value":{"kind":"begin","title":"Indexing"}}})");
    std::string end = co_await c.receive();
    CHECK(end.find(R"("value":{"kind":"end"})") != std::string::npos);
    std::string done = co_await c.receive();
    CHECK(done == R"({"jsonrpc":"2.0","id":1,"result":null})");
  });
}

TEST_CASE("inline handlers answer as their request arrives, typed params and all") {
  auto setup = [](jsonrpc::Endpoint& e) {
    e.on_request("after", [](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
      co_await sleep(std::chrono::milliseconds(30));
      co_return jsonrpc::Reply::ok("\"late\"");
    });
    e.on_request_inline(
        "textDocument/hover", [](const jsonrpc::Message& m, jsonrpc::Responder& out) {
          lsp::TextDocumentPositionParams params;
          if (auto error = lsp::decode_position_params(m.params, params)) {
            return out.error(error->code, error->message);
          }
          const lsp::Position at = params.position;
          lsp::append_hover(out.result(), lsp::Hover{params.uri(), lsp::Range{at, at}});
        });
    e.on_request_inline("chatty", [&e](const jsonrpc::Message&, jsonrpc::Responder& out) {
      out.result() += "[1,";
      e.notify("window/logMessage", R"({"type":4,"message":"answering"})");  // mid-reply
      out.result() += "2]";
    });
  };
  with_endpoint(setup, [](jsonrpc::Endpoint&, test::WireClient& c) -> Task<void> {
    co_await c.send(R"({"jsonrpc":"2.0","id":1,"method":"after"})");
    co_await c.send(
        R"({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":)"
        R"({"uri":"file:///a.lua"},"position":{"line":3,"character":4}}})");
    {
      std::string got = co_await c.receive();  // before the slow one
      CHECK(got == R"({"jsonrpc":"2.0","id":2,"result":{"contents":{"kind":"markdown","value":)"
                   R"("file:///a.lua"},"range":{"start":{"line":3,"character":4},)"
                   R"("end":{"line":3,"character":4}}}})");
    }
    co_await c.send(
        R"({"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":)"
        R"({"uri":"file:///a.lua"},"position":{"line":3}}})");
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":)"
                   R"("invalid params: missing required field 'position.character'"}})");
    }
    co_await c.send(R"({"jsonrpc":"2.0","id":4,"method":"chatty"})");
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":4,"result":[1,2]})");
    }
    {
      std::string got = co_await c.receive();
      CHECK(got.find(R"("method":"window/logMessage")") != std::string::npos);
    }
    {
      std::string got = co_await c.receive();
      CHECK(got == R"({"jsonrpc":"2.0","id":1,"result":"late"})");
    }
  });
}
