// dap::decode and the DAP encoders: requests, responses and events, and an Invalid naming the
// field at fault for each malformed message.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/dap/message.hpp"

namespace {

using moonring::protocol::Body;
using namespace moonring::dap;

std::variant<Message, Invalid> decode_text(std::string_view text) {
  return decode(Body::copy_of(text));
}

Message message_of(std::variant<Message, Invalid> decoded) {
  if (auto* bad = std::get_if<Invalid>(&decoded)) FAIL("invalid: " << bad->reason);
  return std::get<Message>(std::move(decoded));
}

Invalid invalid_of(std::variant<Message, Invalid> decoded) {
  REQUIRE(std::holds_alternative<Invalid>(decoded));
  return std::get<Invalid>(std::move(decoded));
}

}  // namespace

TEST_CASE("a DAP request", "[dap]") {
  const Message m = message_of(decode_text(
      R"({"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"lua","linesStartAt1":true}})"));
  REQUIRE(m.kind == Kind::request);
  REQUIRE(m.seq == 1);
  REQUIRE(m.command == "initialize");
  REQUIRE(m.arguments == R"({"adapterID":"lua","linesStartAt1":true})");
  REQUIRE(m.body != nullptr);
}

TEST_CASE("a DAP request without arguments, fields in any order", "[dap]") {
  const Message m =
      message_of(decode_text(R"( {"command":"configurationDone","type":"request","seq":7} )"));
  REQUIRE(m.command == "configurationDone");
  REQUIRE(m.seq == 7);
  REQUIRE(m.arguments.empty());
}

TEST_CASE("DAP responses and events", "[dap]") {
  SECTION("a successful response with a body") {
    const Message m = message_of(decode_text(
        R"({"seq":2,"type":"response","request_seq":1,"success":true,"command":"threads","body":{"threads":[]}})"));
    REQUIRE(m.kind == Kind::response);
    REQUIRE(m.request_seq == 1);
    REQUIRE(m.success);
    REQUIRE(m.command == "threads");
    REQUIRE(m.body_json == R"({"threads":[]})");
    REQUIRE(m.message.empty());
  }
  SECTION("a failed response with an escaped message") {
    const Message m = message_of(decode_text(
        R"({"seq":3,"type":"response","request_seq":2,"success":false,"command":"launch","message":"no \"main.lua\"\n"})"));
    REQUIRE_FALSE(m.success);
    REQUIRE(m.message == "no \"main.lua\"\n");
  }
  SECTION("an event") {
    const Message m = message_of(decode_text(
        R"({"seq":4,"type":"event","event":"stopped","body":{"reason":"breakpoint","threadId":1}})"));
    REQUIRE(m.kind == Kind::event);
    REQUIRE(m.event == "stopped");
    REQUIRE(m.body_json == R"({"reason":"breakpoint","threadId":1})");
  }
  SECTION("an escaped command") {
    REQUIRE(message_of(decode_text(R"({"seq":5,"type":"request","command":"set\u0042reakpoints"})"))
                .command == "setBreakpoints");
  }
}

namespace {

struct BadMessage {
  std::string body;
  std::string reason;  // a part of Invalid::reason
  int64_t seq;
  std::string command;
};

}  // namespace

TEST_CASE("missing and mistyped fields are named", "[dap]") {
  const std::vector<BadMessage> cases = {
      {R"({"type":"request","command":"next"})", "missing field 'seq'", 0, "next"},
      {R"({"seq":"1","type":"request","command":"next"})", "field 'seq' must be an integer", 0,
       "next"},
      {R"({"seq":1.5,"type":"request","command":"next"})", "field 'seq' must be an integer", 0,
       "next"},
      {R"({"seq":1,"command":"next"})", "missing field 'type'", 1, "next"},
      {R"({"seq":1,"type":"call","command":"next"})", "field 'type' must be", 1, "next"},
      {R"({"seq":1,"type":7,"command":"next"})", "field 'type' must be", 1, "next"},
      {R"({"seq":1,"type":"request"})", "missing field 'command'", 1, ""},
      {R"({"seq":1,"type":"request","command":3})", "field 'command' must be a string", 1, ""},
      {R"({"seq":2,"type":"response","success":true,"command":"next"})",
       "missing field 'request_seq'", 2, "next"},
      {R"({"seq":2,"type":"response","request_seq":1,"command":"next"})", "missing field 'success'",
       2, "next"},
      {R"({"seq":2,"type":"response","request_seq":1,"success":"yes","command":"next"})",
       "field 'success' must be a boolean", 2, "next"},
      {R"({"seq":2,"type":"response","request_seq":1,"success":true})", "missing field 'command'",
       2, ""},
      {R"({"seq":2,"type":"response","request_seq":1,"success":false,"command":"x","message":1})",
       "field 'message' must be a string", 2, "x"},
      {R"({"seq":3,"type":"event"})", "missing field 'event'", 3, ""},
      {R"({"seq":3,"type":"event","event":null})", "field 'event' must be a string", 3, ""},
      {R"({"seq":4,"seq":5,"type":"request","command":"a"})", "duplicate field 'seq'", 4, "a"},
      {R"([{"seq":1}])", "not an object", 0, ""},
      {"42", "not an object", 0, ""},
      {R"("request")", "not an object", 0, ""},
      {"42 43", "invalid JSON", 0, ""},
      {R"({"seq":6,"type":"request","command":"a","arguments":)" + std::string(300, '[') +
           std::string(300, ']') + "}",
       "nested deeper than 256 levels", 6, "a"},
      {R"({"seq":6,"type":"request","command":"a","arguments":)" + std::string(100000, '[') +
           std::string(100000, ']') + "}",
       "nested deeper than 256 levels", 6, "a"},
      {R"({"seq":1,"type":"request","command":"a")", "invalid JSON", 0, ""},
      {"{\"seq\":1,\"type\":\"request\",\"command\":\"a\xff\"}", "invalid JSON", 0, ""},
      {R"({"seq":1,"type":"request","command":"a","arguments":{"x":[}})", "invalid JSON", 0, ""},
      {R"({"seq":1,"type":"request","command":"a","other":tru})", "invalid JSON", 0, ""},
      {R"({"seq":1,"type":"request","command":"a"}{})", "invalid JSON", 0, ""},
      {"", "invalid JSON", 0, ""},
  };
  for (const BadMessage& c : cases) {
    INFO(c.body.substr(0, 120));
    const Invalid bad = invalid_of(decode_text(c.body));
    CHECK_THAT(bad.reason, Catch::Contains(c.reason));
    CHECK(bad.seq == c.seq);
    CHECK(bad.command == c.command);
  }
}

TEST_CASE("DAP encoders", "[dap]") {
  std::string out;
  append_request(out, 1, "runInTerminal", R"({"args":["lua"]})");
  REQUIRE(out ==
          R"({"seq":1,"type":"request","command":"runInTerminal","arguments":{"args":["lua"]}})");

  out.clear();
  append_response(out, 2, 1, "initialize", true, "",
                  R"({"supportsConfigurationDoneRequest":true})");
  REQUIRE(
      out ==
      R"({"seq":2,"type":"response","request_seq":1,"success":true,"command":"initialize","body":{"supportsConfigurationDoneRequest":true}})");

  out.clear();
  append_response(out, 3, 2, "launch", false, "no \"main.lua\"", "");
  REQUIRE(
      out ==
      R"({"seq":3,"type":"response","request_seq":2,"success":false,"command":"launch","message":"no \"main.lua\""})");

  out.clear();
  append_event(out, 4, "initialized", "");
  REQUIRE(out == R"({"seq":4,"type":"event","event":"initialized"})");
}

TEST_CASE("DAP messages round-trip", "[dap]") {
  std::string out;
  append_response(out, 9, 8, "evaluate", false, "error:\n\t\"x\" \xff", R"({"result":"nil"})");
  const Message r = message_of(decode(Body::copy_of(out)));
  REQUIRE(r.kind == Kind::response);
  REQUIRE(r.seq == 9);
  REQUIRE(r.request_seq == 8);
  REQUIRE(r.command == "evaluate");
  REQUIRE_FALSE(r.success);
  REQUIRE(r.message == "error:\n\t\"x\" \xef\xbf\xbd");
  REQUIRE(r.body_json == R"({"result":"nil"})");

  out.clear();
  append_event(out, 10, "output", R"({"category":"stdout","output":"hi\n"})");
  const Message e = message_of(decode(Body::copy_of(out)));
  REQUIRE(e.event == "output");
  REQUIRE(e.body_json == R"({"category":"stdout","output":"hi\n"})");

  out.clear();
  append_request(out, 11, "disconnect", "");
  const Message q = message_of(decode(Body::copy_of(out)));
  REQUIRE(q.command == "disconnect");
  REQUIRE(q.arguments.empty());
}
