// JSON-RPC encoders: exact compact output, string escaping that always yields valid JSON and
// UTF-8, and round trips through decode.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/jsonrpc/message.hpp"

namespace {

using moonring::protocol::Body;
using namespace moonring::jsonrpc;

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

Message only_message(const Decoded& d) {
  REQUIRE(d.items.size() == 1);
  const Message* m = std::get_if<Message>(&d.items[0]);
  if (m == nullptr) FAIL("not a message: " << std::get<Invalid>(d.items[0]).error.message);
  return *m;
}

}  // namespace

TEST_CASE("encoders write compact JSON-RPC", "[jsonrpc]") {
  std::string out;
  append_request(out, Id::of(5), "workspace/configuration", R"({"items":[]})");
  REQUIRE(out ==
          R"({"jsonrpc":"2.0","id":5,"method":"workspace/configuration","params":{"items":[]}})");

  out.clear();
  append_request(out, Id::of(std::string("r1")), "shutdown", "");
  REQUIRE(out == R"({"jsonrpc":"2.0","id":"r1","method":"shutdown"})");

  out.clear();
  append_notification(out, "window/logMessage", R"({"type":3,"message":"hi"})");
  REQUIRE(out ==
          R"({"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"hi"}})");

  out.clear();
  append_notification(out, "exit", "");
  REQUIRE(out == R"({"jsonrpc":"2.0","method":"exit"})");

  out.clear();
  append_result(out, Id::of(-1), R"({"contents":"x"})");
  REQUIRE(out == R"({"jsonrpc":"2.0","id":-1,"result":{"contents":"x"}})");

  out.clear();
  append_result(out, Id::of(1), "");
  REQUIRE(out == R"({"jsonrpc":"2.0","id":1,"result":null})");

  out.clear();
  append_error(out, Id::null_id(), ErrorObject{code::parse_error, "Parse error: bad", ""});
  REQUIRE(out ==
          R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: bad"}})");

  out.clear();
  append_error(out, Id::of(std::string("a\"b")),
               ErrorObject{code::request_cancelled, "cancelled", "[1]"});
  REQUIRE(
      out ==
      R"({"jsonrpc":"2.0","id":"a\"b","error":{"code":-32800,"message":"cancelled","data":[1]}})");
}

TEST_CASE("encoders append to what is there", "[jsonrpc]") {
  std::string out = "[";
  append_notification(out, "a", "");
  out += ',';
  append_notification(out, "b", "");
  out += ']';
  REQUIRE(out == R"([{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"}])");
}

TEST_CASE("append_json_string escapes and repairs", "[jsonrpc]") {
  struct Case {
    const char* what;
    std::string in;
    std::string out;
  };
  const std::string fffd = "\xef\xbf\xbd";
  const std::vector<Case> cases = {
      {"plain", "hello", R"("hello")"},
      {"empty", "", R"("")"},
      {"quote and backslash", R"(a"b\c)", R"("a\"b\\c")"},
      {"control characters", std::string("\n\t\r\x01\x1f", 5) + std::string(1, '\0'),
       R"("\n\t\r\u0001\u001f\u0000")"},
      {"DEL and slash pass", "\x7f/", "\"\x7f/\""},
      {"valid UTF-8 passes", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf",
       "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\""},
      {"a stray continuation byte", "a\x80z", "\"a" + fffd + "z\""},
      {"an invalid byte", "\xff", "\"" + fffd + "\""},
      {"a truncated sequence, then ASCII", "\xe2\x82z", "\"" + fffd + "z\""},
      {"a truncated sequence at the end", "a\xf0\x9f\x98", "\"a" + fffd + "\""},
      {"an overlong form", "\xc0\xaf", "\"" + fffd + fffd + "\""},
      {"an overlong three-byte form", "\xe0\x80\xaf", "\"" + fffd + fffd + fffd + "\""},
      {"a surrogate", "\xed\xa0\x80", "\"" + fffd + fffd + fffd + "\""},
      {"past U+10FFFF", "\xf4\x90\x80\x80", "\"" + fffd + fffd + fffd + fffd + "\""},
      {"a quote after a bad byte", "\xff\"", "\"" + fffd + "\\\"\""},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    REQUIRE(json_string(c.in) == c.out);
  }
}

TEST_CASE("encoded messages decode to what was encoded", "[jsonrpc]") {
  // Every byte value in the method name: escapes and repairs must still make valid JSON.
  std::string method;
  for (int c = 0; c < 256; ++c) method += static_cast<char>(c);
  const std::vector<Id> ids = {Id::of(0), Id::of(INT64_MIN), Id::of(std::string("id \"1\"\n"))};
  for (const Id& id : ids) {
    std::string out;
    append_request(out, id, method, R"({"a":[1,2,{"b":null}]})");
    const Decoded d = decode(Body::copy_of(out));
    const Message& m = only_message(d);
    REQUIRE(m.kind == Kind::request);
    REQUIRE(m.id == id);
    REQUIRE(m.method.substr(0, 128) == method.substr(0, 128));  // ASCII comes back unchanged
    REQUIRE(m.method.size() == 128 + 128 * 3);                  // each other byte as U+FFFD
    REQUIRE(m.params == R"({"a":[1,2,{"b":null}]})");

    std::string reply;
    append_result(reply, m.id, R"({"contents":{"kind":"markdown","value":"x"}})");
    const Message& r = only_message(decode(Body::copy_of(reply)));
    REQUIRE(r.kind == Kind::response);
    REQUIRE(r.id == id);
    REQUIRE(r.result == R"({"contents":{"kind":"markdown","value":"x"}})");

    reply.clear();
    append_error(reply, m.id, ErrorObject{code::content_modified, "changed \xff", R"({"v":2})"});
    const Message& e = only_message(decode(Body::copy_of(reply)));
    REQUIRE(e.id == id);
    REQUIRE(e.error);
    REQUIRE(e.error->code == code::content_modified);
    REQUIRE(e.error->message == "changed \xef\xbf\xbd");
    REQUIRE(e.error->data_json == R"({"v":2})");
  }

  std::string note;
  append_notification(note, "$/progress", R"({"token":"t","value":{"kind":"end"}})");
  const Message& n = only_message(decode(Body::copy_of(note)));
  REQUIRE(n.kind == Kind::notification);
  REQUIRE(n.method == "$/progress");
}
