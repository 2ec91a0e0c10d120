// lsp::decode_position_params: the usual params read directly, everything else through simdjson,
// the two agreeing; each missing or mistyped field named; positions, ranges and hovers encoded.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/jsonrpc/message.hpp"
#include "protocol/lsp/hover.hpp"
#include "protocol/lsp/position.hpp"

namespace {

using namespace moonring;
using lsp::TextDocumentPositionParams;

struct Outcome {
  std::string uri;
  lsp::Position position;
  std::string error;  // empty: decoded
};

Outcome fast(std::string_view json) {
  TextDocumentPositionParams p;
  if (auto e = lsp::decode_position_params(json, p)) return {{}, {}, e->message};
  return {std::string(p.uri()), p.position, {}};
}

Outcome general(std::string_view json) {
  TextDocumentPositionParams p;
  if (auto e = lsp::decode_position_params_general(json, p)) return {{}, {}, e->message};
  return {std::string(p.uri()), p.position, {}};
}

}  // namespace

TEST_CASE("position params: the usual text and its variants agree with the general path", "[lsp]") {
  const std::vector<std::string> inputs = {
      R"({"textDocument":{"uri":"file:///a.lua"},"position":{"line":120,"character":17}})",
      R"({"textDocument":{"uri":"file:///a.lua"},"position":{"line":0,"character":0}})",
      R"({"textDocument":{"uri":"file:///a.lua"},"position":{"line":2147483647,"character":1}})",
      R"({"position":{"character":17,"line":120},"textDocument":{"uri":"file:///a.lua"}})",
      R"( { "textDocument" : { "uri" : "file:///a.lua" } , "position" : {"line":1,"character":2} } )",
      R"({"textDocument":{"uri":"file:\/\/\/a b\u00e9.lua"},"position":{"line":1,"character":2}})",
      R"({"textDocument":{"uri":"file:///\u00e9t\u00e9.lua","version":3},"position":{"line":1,"character":2},"workDoneToken":"x"})",
      "{\"textDocument\":{\"uri\":\"file:///"
      "\xc3\xa9.lua\"},\"position\":{\"line\":1,\"character\":2}}",
  };
  for (const std::string& json : inputs) {
    INFO(json);
    const Outcome a = fast(json);
    const Outcome b = general(json);
    REQUIRE(a.error.empty());
    REQUIRE(a.error == b.error);
    REQUIRE(a.uri == b.uri);
    REQUIRE(a.position == b.position);
  }
  const Outcome usual = fast(inputs[0]);
  REQUIRE(usual.uri == "file:///a.lua");
  REQUIRE(usual.position == lsp::Position{120, 17});
  REQUIRE(fast(inputs[5]).uri == "file:///a b\xc3\xa9.lua");
}

TEST_CASE("position params: a missing or mistyped field is -32602 naming it", "[lsp]") {
  struct Case {
    std::string json;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "params must be an object"},
      {"[1,2]", "params must be an object"},
      {R"({"position":{"line":1,"character":2}})", "missing required field 'textDocument'"},
      {R"({"textDocument":{},"position":{"line":1,"character":2}})",
       "missing required field 'textDocument.uri'"},
      {R"({"textDocument":{"uri":7},"position":{"line":1,"character":2}})",
       "field 'textDocument.uri' must be a string"},
      {R"({"textDocument":[],"position":{"line":1,"character":2}})",
       "field 'textDocument' must be an object"},
      {R"({"textDocument":{"uri":"u"}})", "missing required field 'position'"},
      {R"({"textDocument":{"uri":"u"},"position":{"character":2}})",
       "missing required field 'position.line'"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":1}})",
       "missing required field 'position.character'"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":-1,"character":2}})",
       "field 'position.line' must be an integer from 0 to 2147483647"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":1.5,"character":2}})",
       "field 'position.line' must be an integer from 0 to 2147483647"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":1,"character":2147483648}})",
       "field 'position.character' must be an integer from 0 to 2147483647"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":1,"character":"2"}})",
       "field 'position.character' must be an integer from 0 to 2147483647"},
      {R"({"textDocument":{"uri":"u"},"position":{"line":01,"character":2}})",
       "field 'position.line' must be an integer from 0 to 2147483647"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    TextDocumentPositionParams p;
    const auto error = lsp::decode_position_params(c.json, p);
    REQUIRE(error);
    REQUIRE(error->code == jsonrpc::code::invalid_params);
    REQUIRE(error->message == "invalid params: " + c.error);
    REQUIRE(general(c.json).error == error->message);
  }
}

TEST_CASE("positions, ranges and hovers encode as LSP JSON", "[lsp]") {
  std::string out;
  lsp::append_range(out, lsp::Range{{1, 2}, {3, 2147483647}});
  REQUIRE(out == R"({"start":{"line":1,"character":2},"end":{"line":3,"character":2147483647}})");
  out.clear();
  lsp::append_hover(out, lsp::Hover{"`x`\n\"q\"", lsp::Range{{0, 1}, {0, 2}}});
  REQUIRE(out == R"({"contents":{"kind":"markdown","value":"`x`\n\"q\""},)"
                 R"("range":{"start":{"line":0,"character":1},"end":{"line":0,"character":2}}})");
  out.clear();
  const std::string long_text(5000, 'a');  // past the buffer on the stack
  lsp::append_hover(out, lsp::Hover{long_text, std::nullopt});
  REQUIRE(out == R"({"contents":{"kind":"markdown","value":")" + long_text + "\"}}");
  out.clear();
  lsp::append_hover(out, lsp::Hover{"short", std::nullopt});
  REQUIRE(out == R"({"contents":{"kind":"markdown","value":"short"}})");
}
