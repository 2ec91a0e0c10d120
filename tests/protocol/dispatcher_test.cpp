// jsonrpc::Dispatcher without a session: inline handlers answer into the outbox, framed; the gate,
// unknown methods, handler errors and exceptions, invalid messages; what is left to the endpoint
// (asynchronous requests and notifications, $/cancelRequest, responses, batches).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/framing.hpp"
#include "protocol/jsonrpc/dispatcher.hpp"
#include "protocol/lsp/position.hpp"

namespace {

using namespace moonring;
using jsonrpc::Dispatcher;
using Left = Dispatcher::Left;

// The bodies of the frames in `bytes`.
std::vector<std::string> bodies(std::string_view bytes) {
  protocol::FrameDecoder decoder;
  decoder.feed(bytes);
  std::vector<std::string> out;
  while (auto event = decoder.next()) {
    REQUIRE(event->kind == protocol::FrameEvent::Kind::message);
    out.emplace_back(event->body.view());
  }
  REQUIRE(decoder.buffered() == 0);
  return out;
}

struct Fixture {
  Dispatcher dispatcher;
  protocol::Outbox out;

  Left handle(std::string_view json) {
    return dispatcher.handle(protocol::Body::copy_of(json), out);
  }
  std::vector<std::string> replies() {
    std::string bytes;
    out.take(bytes);
    return bodies(bytes);
  }
};

}  // namespace

TEST_CASE("inline handlers answer at once, framed in the outbox", "[dispatcher]") {
  Fixture f;
  f.dispatcher.on_request_inline("add", [](const jsonrpc::Message& m, jsonrpc::Responder& out) {
    out.result() += "{\"params\":";
    out.result() += m.params;
    out.result() += '}';
  });
  f.dispatcher.on_request_inline("nothing", [](const jsonrpc::Message&, jsonrpc::Responder&) {});
  f.dispatcher.on_request_inline("empty", [](const jsonrpc::Message&, jsonrpc::Responder& out) {
    out.result();  // begun, nothing appended
  });
  f.dispatcher.on_request_inline("fails", [](const jsonrpc::Message&, jsonrpc::Responder& out) {
    out.result() += "{\"partial\":";
    out.error(jsonrpc::code::invalid_params, "bad \"x\"");
  });
  f.dispatcher.on_request_inline("throws", [](const jsonrpc::Message&, jsonrpc::Responder& out) {
    out.result() += "[1,";
    throw std::runtime_error("boom");
  });
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":"s","method":"nothing"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":3,"method":"empty"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":4,"method":"fails"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":5,"method":"throws"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":6,"method":"missing"})") == Left::nothing);
  REQUIRE(
      f.replies() ==
      std::vector<std::string>{
          R"({"jsonrpc":"2.0","id":1,"result":{"params":[1,2]}})",
          R"({"jsonrpc":"2.0","id":"s","result":null})",
          R"({"jsonrpc":"2.0","id":3,"result":null})",
          R"({"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"bad \"x\""}})",
          R"({"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"internal error: boom"}})",
          R"({"jsonrpc":"2.0","id":6,"error":{"code":-32601,"message":"method not found: missing"}})",
      });
}

TEST_CASE("the gate answers instead of the handler; invalid messages get their error",
          "[dispatcher]") {
  Fixture f;
  bool open = false;
  f.dispatcher.set_gate([&](const jsonrpc::Message&) -> std::optional<jsonrpc::ErrorObject> {
    if (open) return std::nullopt;
    return jsonrpc::ErrorObject{jsonrpc::code::server_not_initialized, "not yet", {}};
  });
  f.dispatcher.on_request_inline(
      "m", [](const jsonrpc::Message&, jsonrpc::Responder& out) { out.result() += "true"; });
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":1,"method":"m"})") == Left::nothing);
  open = true;
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":2,"method":"m"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":3,"method":)") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"1.0","id":4,"method":"m"})") == Left::nothing);
  const auto replies = f.replies();
  REQUIRE(replies.size() == 4);
  REQUIRE(replies[0] == R"({"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"not yet"}})");
  REQUIRE(replies[1] == R"({"jsonrpc":"2.0","id":2,"result":true})");
  REQUIRE(replies[2].find(R"("id":null,"error":{"code":-32700)") != std::string::npos);
  REQUIRE(replies[3].find(R"("id":4,"error":{"code":-32600)") != std::string::npos);
}

TEST_CASE("what needs waiting is left to the endpoint", "[dispatcher]") {
  Fixture f;
  f.dispatcher.on_request("slow", [](const jsonrpc::Message&) -> Task<jsonrpc::Reply> {
    co_return jsonrpc::Reply::ok("1");
  });
  f.dispatcher.on_notification("later", [](const jsonrpc::Message&) -> Task<void> { co_return; });
  int now = 0;
  f.dispatcher.on_notification_inline("now", [&](const jsonrpc::Message& m) {
    REQUIRE(m.params == "[7]");
    ++now;
  });

  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":1,"method":"slow"})") == Left::request);
  REQUIRE(f.dispatcher.request_handler() != nullptr);
  const auto& request = std::get<jsonrpc::Message>(f.dispatcher.decoded().items.front());
  REQUIRE(request.id == jsonrpc::Id::of(1));

  REQUIRE(f.handle(R"({"jsonrpc":"2.0","method":"later"})") == Left::notification);
  REQUIRE(f.dispatcher.notification_left() != nullptr);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}})") ==
          Left::notification);
  REQUIRE(f.dispatcher.notification_left() == nullptr);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","method":"now","params":[7]})") == Left::nothing);
  REQUIRE(now == 1);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","method":"unknown"})") == Left::nothing);
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":9,"result":{}})") == Left::response);
  REQUIRE(f.handle(R"([{"jsonrpc":"2.0","method":"now","params":[7]}])") == Left::batch);
  REQUIRE(f.dispatcher.decoded().items.size() == 1);
  REQUIRE(f.out.empty());  // nothing answered
}

TEST_CASE("one Decoded serves message after message; each message keeps its own body",
          "[dispatcher]") {
  Fixture f;
  std::vector<jsonrpc::Message> kept;
  f.dispatcher.on_request_inline(
      "keep", [&](const jsonrpc::Message& m, jsonrpc::Responder&) { kept.push_back(m); });
  for (int i = 0; i < 100; ++i) {
    const std::string json = R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                             R"(,"method":"keep","params":{"n":)" + std::to_string(i) + "}}";
    REQUIRE(f.handle(json) == Left::nothing);
  }
  REQUIRE(kept.size() == 100);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(kept[i].params == R"({"n":)" + std::to_string(i) + "}");
  }
  REQUIRE(f.replies().size() == 100);
}

TEST_CASE("a fallback answers what has no handler, inline or as a task", "[dispatcher]") {
  Fixture f;
  f.dispatcher.set_fallback_inline([](const jsonrpc::Message& m, jsonrpc::Responder& out) {
    out.result() += m.params.empty() ? std::string_view("null") : m.params;
  });
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":1,"method":"any","params":{"a":[1]}})") ==
          Left::nothing);
  REQUIRE(f.replies() ==
          std::vector<std::string>{R"({"jsonrpc":"2.0","id":1,"result":{"a":[1]}})"});
  f.dispatcher.set_fallback(
      [](const jsonrpc::Message&) -> Task<jsonrpc::Reply> { co_return jsonrpc::Reply::ok("2"); });
  REQUIRE(f.handle(R"({"jsonrpc":"2.0","id":2,"method":"any"})") == Left::request);
}

// Params that are not JSON get the same -32700 (null id) whether the dispatcher checks them or an
// inline handler registered with ParamsCheck::deferred reads them with a checking typed reader;
// valid params in any shape reach the handler either way.
TEST_CASE("params left to a checking typed reader are read once and still checked",
          "[dispatcher]") {
  const std::vector<std::string> requests = {
      // the usual shape: the fast path reads it
      R"({"jsonrpc":"2.0","id":1,"method":"hover","params":{"textDocument":{"uri":"file:///a.lua"},"position":{"line":3,"character":4}}})",
      // another field order: the general path
      R"({"jsonrpc":"2.0","id":2,"method":"hover","params":{"position":{"character":5,"line":6},"textDocument":{"uri":"file:///b.lua"}}})",
      // unreadable params: invalid UTF-8, unbalanced, nested too deep
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"hover\",\"params\":{\"textDocument\":{\"uri\":"
      "\"\xff\"},\"position\":{\"line\":1,\"character\":1}}}",
      R"({"jsonrpc":"2.0","id":4,"method":"hover","params":{"textDocument":{"uri":"u"},"position":{"line":1,"character":1}}]})",
      R"({"jsonrpc":"2.0","id":5,"method":"hover","params":{"x":)" + std::string(2000, '[') +
          std::string(2000, ']') + "}}",
      // JSON, but not the params hover needs
      R"({"jsonrpc":"2.0","id":6,"method":"hover","params":{"textDocument":{"uri":"u"},"position":{"line":1,"character":-1}}})",
      R"({"jsonrpc":"2.0","id":7,"method":"hover","params":{"textDocument":{"uri":"u"}}})",
      // params that end before the body's last brace: the message is not what the fast path
      // took it for, and is read again
      R"({"jsonrpc":"2.0","id":8,"method":"hover","params":{"textDocument":{"uri":"u"}},"position":{}})",
  };
  std::vector<std::vector<std::string>> answers;
  for (const jsonrpc::ParamsCheck check :
       {jsonrpc::ParamsCheck::now, jsonrpc::ParamsCheck::deferred}) {
    Fixture f;
    f.dispatcher.on_request_inline(
        "hover",
        [](const jsonrpc::Message& m, jsonrpc::Responder& out) {
          lsp::TextDocumentPositionParams params;
          if (auto error = lsp::decode_position_params(m, params)) {
            return out.error(error->code, error->message);
          }
          out.result() += '"';
          out.result() += params.uri();
          out.result() += ':' + std::to_string(params.position.line) + ':' +
                          std::to_string(params.position.character) + '"';
        },
        check);
    for (const std::string& request : requests) REQUIRE(f.handle(request) == Left::nothing);
    answers.push_back(f.replies());
  }
  REQUIRE(answers[0] == answers[1]);
  const auto& replies = answers[1];
  REQUIRE(replies.size() == requests.size());
  CHECK(replies[0] == R"({"jsonrpc":"2.0","id":1,"result":"file:///a.lua:3:4"})");
  CHECK(replies[1] == R"({"jsonrpc":"2.0","id":2,"result":"file:///b.lua:6:5"})");
  CHECK(replies[2].find(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,)") == 0);
  CHECK(replies[3].find(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,)") == 0);
  CHECK(replies[4].find(R"({"jsonrpc":"2.0","id":5,"error":{"code":-32600,)") == 0);
  CHECK(replies[5].find(R"("id":6,"error":{"code":-32602)") != std::string::npos);
  CHECK(replies[5].find("position.character") != std::string::npos);
  CHECK(replies[6].find(R"("id":7,"error":{"code":-32602)") != std::string::npos);
  CHECK(replies[6].find("position") != std::string::npos);
  CHECK(replies[7].find(R"("id":8,"error":{"code":-32602)") != std::string::npos);
}
