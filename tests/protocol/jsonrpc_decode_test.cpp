// jsonrpc::decode: requests, notifications, responses, batches, and the error each bad body
// deserves (-32700 for bad JSON, -32600 for wrong shapes), with views into the body.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/jsonrpc/decode_paths.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace {

using moonring::protocol::Body;
using namespace moonring::jsonrpc;

Decoded decode_text(std::string_view text) {
  return decode(Body::copy_of(text));
}

Message message_of(const Decoded& d, std::size_t i = 0) {
  REQUIRE(i < d.items.size());
  const Message* m = std::get_if<Message>(&d.items[i]);
  if (m == nullptr) FAIL("not a message: " << std::get<Invalid>(d.items[i]).error.message);
  return *m;
}

Invalid invalid_of(const Decoded& d, std::size_t i = 0) {
  REQUIRE(i < d.items.size());
  const Invalid* bad = std::get_if<Invalid>(&d.items[i]);
  REQUIRE(bad != nullptr);
  return *bad;
}

bool inside(std::string_view view, const Message& m) {
  return view.data() >= m.body->data() &&
         view.data() + view.size() <= m.body->data() + m.body->size();
}

// `depth` nested arrays around `inner`.
std::string nested(std::size_t depth, std::string_view inner = "") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

}  // namespace

TEST_CASE("a request: id, method and params as a view into the body", "[jsonrpc]") {
  const std::string params =
      R"({"textDocument":{"uri":"file:///a.lua"},"position":{"line":3,"character":7}})";
  const Decoded d = decode_text(
      R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":)" + params + "}");
  REQUIRE_FALSE(d.batch);
  REQUIRE(d.items.size() == 1);
  const Message& m = message_of(d);
  REQUIRE(m.kind == Kind::request);
  REQUIRE(m.id == Id::of(1));
  REQUIRE(m.method == "textDocument/hover");
  REQUIRE(m.params == params);
  REQUIRE(inside(m.method, m));
  REQUIRE(inside(m.params, m));
}

TEST_CASE("members in any order, whitespace around them", "[jsonrpc]") {
  const Decoded d = decode_text(
      " \n{ \"params\" : [ 1 , 2 ] ,\t\"method\":\"sum\", \"id\" : \"x\" , \"jsonrpc\":\"2.0\" "
      "}\r\n");
  const Message& m = message_of(d);
  REQUIRE(m.kind == Kind::request);
  REQUIRE(m.id == Id::of(std::string("x")));
  REQUIRE(m.method == "sum");
  REQUIRE(m.params == "[ 1 , 2 ]");
}

TEST_CASE("ids: integers, strings, escaped strings", "[jsonrpc]") {
  struct Case {
    std::string json;
    Id id;
  };
  const std::vector<Case> cases = {
      {"0", Id::of(0)},
      {"-7", Id::of(-7)},
      {"9223372036854775807", Id::of(INT64_MAX)},
      {"-9223372036854775808", Id::of(INT64_MIN)},
      {R"("abc")", Id::of(std::string("abc"))},
      {R"("")", Id::of(std::string())},
      {R"("a\"b\\c\u00e9\ud83d\ude00")", Id::of(std::string("a\"b\\c\xc3\xa9\xf0\x9f\x98\x80"))},
      {R"("a long string id that does not fit in a small string")",
       Id::of(std::string("a long string id that does not fit in a small string"))},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    const Decoded d = decode_text(R"({"jsonrpc":"2.0","method":"m","id":)" + c.json + "}");
    REQUIRE(message_of(d).id == c.id);
  }
}

TEST_CASE("an escaped method name is unescaped", "[jsonrpc]") {
  const Decoded d = decode_text(R"({"jsonrpc":"2.0","id":1,"method":"textDocument\/hover\u0021"})");
  const Message& m = message_of(d);
  REQUIRE(m.method == "textDocument/hover!");
  REQUIRE(inside(m.method, m));
}

TEST_CASE("notifications and responses", "[jsonrpc]") {
  SECTION("a notification has no id") {
    const Message& m =
        message_of(decode_text(R"({"jsonrpc":"2.0","method":"initialized","params":{}})"));
    REQUIRE(m.kind == Kind::notification);
    REQUIRE(m.id.kind == Id::Kind::none);
    REQUIRE(m.params == "{}");
  }
  SECTION("params may be absent, or null (sent by some clients)") {
    REQUIRE(
        message_of(decode_text(R"({"jsonrpc":"2.0","id":2,"method":"shutdown"})")).params.empty());
    REQUIRE(message_of(decode_text(R"({"jsonrpc":"2.0","id":2,"method":"shutdown","params":null})"))
                .params.empty());
  }
  SECTION("a result") {
    const Decoded d = decode_text(R"({"jsonrpc":"2.0","id":3,"result":[{"a":null}]})");
    const Message& m = message_of(d);
    REQUIRE(m.kind == Kind::response);
    REQUIRE(m.id == Id::of(3));
    REQUIRE(m.result == R"([{"a":null}])");
    REQUIRE_FALSE(m.error);
  }
  SECTION("a null result") {
    REQUIRE(message_of(decode_text(R"({"jsonrpc":"2.0","id":3,"result":null})")).result == "null");
  }
  SECTION("an error, with data") {
    const Decoded d = decode_text(
        R"({"jsonrpc":"2.0","id":"q","error":{"code":-32601,"message":"no \"such\" method","data":{"x":[1]}}})");
    const Message& m = message_of(d);
    REQUIRE(m.kind == Kind::response);
    REQUIRE(m.id == Id::of(std::string("q")));
    REQUIRE(m.error);
    REQUIRE(m.error->code == code::method_not_found);
    REQUIRE(m.error->message == "no \"such\" method");
    REQUIRE(m.error->data_json == R"({"x":[1]})");
  }
  SECTION("an error for a request that could not be read has a null id") {
    const Message& m = message_of(
        decode_text(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})"));
    REQUIRE(m.id.kind == Id::Kind::null);
  }
}

TEST_CASE("the message keeps its body alive", "[jsonrpc]") {
  Message kept;
  {
    Decoded d = decode_text(R"({"jsonrpc":"2.0","id":1,"method":"a/b","params":[true]})");
    kept = std::get<Message>(std::move(d.items[0]));
  }
  const Message copy = kept;
  REQUIRE(copy.method == "a/b");
  REQUIRE(copy.params == "[true]");
}

namespace {

struct ErrorCase {
  const char* what;
  std::string body;
  int code;
  Id id;
  std::string message;  // a part of the error message
};

}  // namespace

TEST_CASE("every decode error gets its code", "[jsonrpc]") {
  const Id null = Id::null_id();
  const std::vector<ErrorCase> cases = {
      // -32700: the body is not JSON.
      {"truncated", R"({"jsonrpc":"2.0","id":1,"method":)", code::parse_error, null, "Parse error"},
      {"not JSON at all", "hello", code::parse_error, null, "Parse error"},
      {"empty body", "", code::parse_error, null, "Parse error"},
      {"only whitespace", " \r\n", code::parse_error, null, "Parse error"},
      {"invalid UTF-8 in a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xff\"}",
       code::parse_error, null, "UTF-8"},
      {"invalid UTF-8 in params",
       "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":[\"\xc3\x28\"]}",
       code::parse_error, null, "UTF-8"},
      {"invalid UTF-8 outside strings", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}\xe2\x82",
       code::parse_error, null, "UTF-8"},
      {"a raw control character in a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\nb\"}",
       code::parse_error, null, "Parse error"},
      {"a bad escape", R"({"jsonrpc":"2.0","id":1,"method":"a\x"})", code::parse_error, null,
       "Parse error"},
      {"bad JSON inside params", R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x" 1}})",
       code::parse_error, null, "Parse error"},
      {"unbalanced params", R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":[1}})",
       code::parse_error, null, "Parse error"},
      {"a bad literal as params", R"({"jsonrpc":"2.0","id":1,"method":"a","params":nul})",
       code::parse_error, null, "Parse error"},
      {"a bad number as an unknown member", R"({"jsonrpc":"2.0","id":1,"method":"a","x":01})",
       code::parse_error, null, "Parse error"},
      {"a bad escape in an unknown key", R"({"jsonrpc":"2.0","id":1,"method":"a","\q":1})",
       code::parse_error, null, "Parse error"},
      {"a bad id number", R"({"jsonrpc":"2.0","id":1.,"method":"a"})", code::parse_error, null,
       "Parse error"},
      {"trailing content", R"({"jsonrpc":"2.0","method":"a"} {"jsonrpc":"2.0","method":"b"})",
       code::parse_error, null, "Parse error"},
      {"trailing comma", R"({"jsonrpc":"2.0","method":"a",})", code::parse_error, null,
       "Parse error"},
      {"unbalanced deep nesting",
       R"({"jsonrpc":"2.0","id":1,"method":"a","params":)" + std::string(100000, '['),
       code::parse_error, null, "Parse error"},
      {"bad JSON in a batch element", R"([{"jsonrpc":"2.0","method":"a"},{"x":}])",
       code::parse_error, null, "Parse error"},

      // -32600: JSON, but not a valid request.
      {"no jsonrpc member", R"({"id":1,"method":"a"})", code::invalid_request, Id::of(1),
       R"("jsonrpc" must be "2.0")"},
      {"jsonrpc 1.0", R"({"jsonrpc":"1.0","id":1,"method":"a"})", code::invalid_request, Id::of(1),
       R"("jsonrpc" must be "2.0")"},
      {"jsonrpc as a number", R"({"jsonrpc":2.0,"id":1,"method":"a"})", code::invalid_request,
       Id::of(1), R"("jsonrpc" must be "2.0")"},
      {"method not a string", R"({"jsonrpc":"2.0","id":1,"method":42})", code::invalid_request,
       Id::of(1), "method must be a string"},
      {"a fractional id", R"({"jsonrpc":"2.0","id":1.5,"method":"a"})", code::invalid_request, null,
       "id must be an integer or a string"},
      {"an object id", R"({"jsonrpc":"2.0","id":{"a":1},"method":"a"})", code::invalid_request,
       null, "id must be an integer or a string"},
      {"a boolean id", R"({"jsonrpc":"2.0","id":true,"method":"a"})", code::invalid_request, null,
       "id must be an integer or a string"},
      {"a null request id", R"({"jsonrpc":"2.0","id":null,"method":"a"})", code::invalid_request,
       null, "a request id cannot be null"},
      {"an id past double range", R"({"jsonrpc":"2.0","id":1e400,"method":"a"})",
       code::invalid_request, null, "id must be an integer or a string"},
      {"an id past 64 bits", R"({"jsonrpc":"2.0","id":99999999999999999999,"method":"a"})",
       code::invalid_request, null, "id out of range"},
      {"params a number", R"({"jsonrpc":"2.0","id":1,"method":"a","params":42})",
       code::invalid_request, Id::of(1), "params must be an object or an array"},
      {"params a string", R"({"jsonrpc":"2.0","id":"s","method":"a","params":"x"})",
       code::invalid_request, Id::of(std::string("s")), "params must be an object or an array"},
      {"a duplicate member", R"({"jsonrpc":"2.0","id":1,"method":"a","method":"b"})",
       code::invalid_request, Id::of(1), R"(duplicate member "method")"},
      {"a request with a result", R"({"jsonrpc":"2.0","id":1,"method":"a","result":1})",
       code::invalid_request, Id::of(1), "a request cannot carry"},
      {"both result and error",
       R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}})",
       code::invalid_request, Id::of(1), "both"},
      {"a response without id", R"({"jsonrpc":"2.0","result":1})", code::invalid_request, null,
       "a response needs the id of its request"},
      {"a result with a null id", R"({"jsonrpc":"2.0","id":null,"result":1})",
       code::invalid_request, null, "a response needs the id of its request"},
      {"an error without a code", R"({"jsonrpc":"2.0","id":1,"error":{"message":"m"}})",
       code::invalid_request, Id::of(1), R"(integer "code")"},
      {"an error that is a string", R"({"jsonrpc":"2.0","id":1,"error":"bad"})",
       code::invalid_request, Id::of(1), "error must be an object"},
      {"nothing to do", R"({"jsonrpc":"2.0","id":1})", code::invalid_request, Id::of(1),
       R"(no "method", "result" or "error")"},
      {"a scalar body", "42", code::invalid_request, null, "not an object"},
      {"a string body", R"("textDocument/hover")", code::invalid_request, null, "not an object"},
      {"an empty batch", "[]", code::invalid_request, null, "empty batch"},
      {"100,000-deep params",
       R"({"jsonrpc":"2.0","id":7,"method":"a","params":)" + nested(100000) + "}",
       code::invalid_request, Id::of(7), "nested deeper than 256 levels"},
      {"100,000-deep params, the id after them",
       R"({"jsonrpc":"2.0","method":"a","params":)" + nested(100000, "1") + R"(,"id":8})",
       code::invalid_request, Id::of(8), "nested deeper than 256 levels"},
      {"100,000-deep objects at the top level",
       [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += R"({"a":)";
         return s + "1" + std::string(100000, '}');
       }(),
       code::invalid_request, null, "nested deeper than 256 levels"},
      {"deep unknown member", R"({"jsonrpc":"2.0","id":9,"method":"a","x":)" + nested(300) + "}",
       code::invalid_request, Id::of(9), "nested deeper than 256 levels"},
  };
  for (const ErrorCase& c : cases) {
    INFO(c.what);
    const Decoded d = decode_text(c.body);
    REQUIRE_FALSE(d.batch);
    REQUIRE(d.items.size() == 1);
    const Invalid& bad = invalid_of(d);
    CHECK(bad.error.code == c.code);
    CHECK(bad.id == c.id);
    CHECK_THAT(bad.error.message, Catch::Contains(c.message));
  }
}

TEST_CASE("the inside of params and result is left to whoever parses them", "[jsonrpc]") {
  // Stage 1 validated the bytes and the brackets balance; the grammar inside is the reader's.
  REQUIRE(message_of(decode_text(R"({"jsonrpc":"2.0","id":1,"method":"a","params":[01, tru]})"))
              .params == "[01, tru]");
  REQUIRE(message_of(decode_text(R"({"jsonrpc":"2.0","id":1,"result":{"a":-}})")).result ==
          R"({"a":-})");
}

TEST_CASE("escaped member names are unescaped", "[jsonrpc]") {
  const Message m = message_of(
      decode_text(R"({"json\u0072pc":"2\u002e0","\u0069d":4,"method":"a","p\u0061rams":[]})"));
  REQUIRE(m.id == Id::of(4));
  REQUIRE(m.params == "[]");
}

TEST_CASE("nesting up to the limit is accepted, one level more is not", "[jsonrpc]") {
  // The message object is level 1; 255 arrays inside make 256.
  const auto body = [](std::size_t arrays) {
    return R"({"jsonrpc":"2.0","id":1,"method":"a","params":)" + nested(arrays) + "}";
  };
  REQUIRE(message_of(decode_text(body(255))).params == nested(255));
  REQUIRE(invalid_of(decode_text(body(256))).error.code == code::invalid_request);
}

TEST_CASE("a 100,000-deep array at the top level is an error", "[jsonrpc]") {
  const Decoded d = decode_text(nested(100000));
  REQUIRE(d.items.size() == 1);
  const Invalid& bad = invalid_of(d);
  REQUIRE(bad.error.code == code::invalid_request);
  REQUIRE(bad.id == Id::null_id());
}

TEST_CASE("a batch of valid and invalid messages", "[jsonrpc]") {
  const Decoded d = decode_text(R"([
    {"jsonrpc":"2.0","id":1,"method":"a","params":[1]},
    42,
    {"jsonrpc":"2.0","method":"note"},
    {"jsonrpc":"2.0","id":"b","method":7},
    {"jsonrpc":"2.0","id":2,"result":{"ok":true}},
    [)" + nested(300) + R"(]
  ])");
  REQUIRE(d.batch);
  REQUIRE(d.items.size() == 6);
  REQUIRE(message_of(d, 0).kind == Kind::request);
  REQUIRE(message_of(d, 0).params == "[1]");
  REQUIRE(invalid_of(d, 1).error.code == code::invalid_request);
  REQUIRE(message_of(d, 2).kind == Kind::notification);
  REQUIRE(invalid_of(d, 3).id == Id::of(std::string("b")));
  REQUIRE(invalid_of(d, 3).error.code == code::invalid_request);
  REQUIRE(message_of(d, 4).result == R"({"ok":true})");
  REQUIRE(invalid_of(d, 5).error.code == code::invalid_request);
  // One body, shared by every message of the batch.
  REQUIRE(message_of(d, 0).body == message_of(d, 2).body);
}

TEST_CASE("a batch of one", "[jsonrpc]") {
  const Decoded d = decode_text(R"([{"jsonrpc":"2.0","method":"a"}])");
  REQUIRE(d.batch);
  REQUIRE(d.items.size() == 1);
  REQUIRE(message_of(d).method == "a");
}

TEST_CASE("a 20 MB string in params", "[jsonrpc]") {
  std::string text(20u << 20, 'a');
  for (std::size_t i = 0; i < text.size(); i += 100) text.replace(i, 2, "\\n");
  const std::string params = R"({"textDocument":{"text":")" + text + R"("}})";
  const Decoded d =
      decode_text(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":)" + params + "}");
  REQUIRE(message_of(d).params.size() == params.size());
}

namespace {

// Everything a decode says, as text, to compare the two paths.
std::string describe(const Decoded& d) {
  std::string out = d.batch ? "batch" : "single";
  for (const Item& item : d.items) {
    std::string id;
    if (const Message* m = std::get_if<Message>(&item)) {
      m->id.append_json(id);
      out += " | message " + std::to_string(static_cast<int>(m->kind)) + " id=" + id +
             " method=" + std::string(m->method) + " params=" + std::string(m->params) +
             " result=" + std::string(m->result) +
             (m->error ? " error=" + std::to_string(m->error->code) + m->error->message : "");
    } else {
      const Invalid& bad = std::get<Invalid>(item);
      bad.id.append_json(id);
      out += " | invalid id=" + id + " " + std::to_string(bad.error.code) + " " + bad.error.message;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the usual-request fast path agrees with the general decoder", "[jsonrpc]") {
  const std::vector<std::string> bodies = {
      R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"a":[1,{"b":null}]}})",
      R"({"jsonrpc":"2.0","id":-17,"method":"m","params":[]})",
      R"({"jsonrpc":"2.0","method":"initialized","params":{}})",
      R"({"jsonrpc":"2.0","id":0,"method":"shutdown"})",
      R"({"jsonrpc":"2.0","method":"exit"})"
      "\r\n",
      R"({"jsonrpc":"2.0","id":01,"method":"m"})",
      R"({"jsonrpc":"2.0","id":123456789012345678901,"method":"m"})",
      R"({"jsonrpc":"2.0","id":1,"method":"a\/b"})",
      R"({"jsonrpc":"2.0","id":1,"method":"cafÃ©"})",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bad\xff\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\tb\"}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":null})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":3})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{}})"
      " ",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{},"params":[]})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{}}})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":[1}})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":"}"}})",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":[1,2]],"x":[})",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[\"\xc3\"]}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" + nested(255) + "}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" + nested(256) + "}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" + nested(100000) + "}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" + std::string(1000, '[') + "}",
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{)",
      R"({"jsonrpc":"2.0","id":1,"method":"m",)",
      R"({"jsonrpc":"2.0","id":1,"method":"m")",
      R"({"jsonrpc":"2.0","id":1,"method":"m","result":1})",
  };
  for (const std::string& body : bodies) {
    INFO(body.substr(0, 100));
    REQUIRE(describe(decode_text(body)) == describe(detail::decode_general(Body::copy_of(body))));
  }
}
