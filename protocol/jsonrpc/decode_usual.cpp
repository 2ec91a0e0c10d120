// JSON-RPC decoding's fast path: the envelope of the usual request read with plain compares, so
// only params goes through simdjson (stage 1 and a skip: UTF-8, balanced brackets, bounded
// nesting, as the general path checks them). See decode_paths.hpp; decode.cpp has the rules.
#include <simdjson.h>

#include <cstring>

#include "protocol/json_check.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/jsonrpc/decode_paths.hpp"

namespace moonring::jsonrpc::detail {
namespace {

namespace json = protocol::json;
namespace od = simdjson::ondemand;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

using json::Cursor;

// int -> '-'? ('0' | [1-9] digit*), within 64 bits. Anything else is left to the general path.
bool take_integer(Cursor& c, int64_t& out) {
  const bool negative = c.p < c.end && *c.p == '-';
  const char* digits = c.p + (negative ? 1 : 0);
  const char* q = digits;
  while (q < c.end && is_digit(*q)) ++q;
  const auto count = static_cast<std::size_t>(q - digits);
  if (count == 0 || count > 18 || (*digits == '0' && count > 1)) return false;  // 18: no overflow
  int64_t n = 0;
  for (const char* d = digits; d < q; ++d) n = n * 10 + (*d - '0');
  out = negative ? -n : n;
  c.p = q;
  return true;
}

}  // namespace

// params -> object | array, the rest of the body up to the envelope's closing brace: checked as
// its own document.
bool params_are_json(const protocol::Body& body, std::string_view params) {
  const auto offset = static_cast<std::size_t>(params.data() - body.data());
  const simdjson::padded_string_view text(params.data(), params.size(),
                                          body.padded_size() - offset);
  od::document doc;
  if (json::thread_parser().iterate(text).get(doc)) return false;
  std::string_view skipped;
  if (params.front() == '{') {
    od::object object;
    if (doc.get_object().get(object) || object.raw_json().get(skipped)) return false;
  } else {
    od::array array;
    if (doc.get_array().get(array) || array.raw_json().get(skipped)) return false;
  }
  return json::trim(skipped).size() == params.size() &&
         json::check_depth(params, 1) == simdjson::SUCCESS;
}

bool decode_usual(protocol::SharedBody& body, Decoded& out, ParamsCheck check) {
  const std::string_view text = json::trim(body->view());
  Cursor c{text.data(), text.data() + text.size()};
  if (!c.take(R"({"jsonrpc":"2.0",)")) return false;
  const bool has_id = c.take(R"("id":)");
  int64_t id = 0;
  if (has_id && (!take_integer(c, id) || !c.take(","))) return false;
  std::string_view method;
  if (!c.take(R"("method":")") || !c.take_plain_string(method)) return false;
  std::string_view params;
  if (!c.take("}")) {
    if (!c.take(R"(,"params":)") || c.end - c.p < 3 || c.end[-1] != '}') return false;
    params = json::trim({c.p, static_cast<std::size_t>(c.end - 1 - c.p)});
    if (params.front() != '{' && params.front() != '[') return false;
    if (check == ParamsCheck::now && !params_are_json(*body, params)) return false;
  } else if (c.p != c.end) {
    return false;
  }
  Message& message = std::get<Message>(out.items.emplace_back(std::in_place_type<Message>));
  message.kind = has_id ? Kind::request : Kind::notification;
  if (has_id) {  // set in place: no Id (and its string) to move
    message.id.kind = Id::Kind::integer;
    message.id.integer = id;
  }
  message.method = method;
  message.params = params;
  message.params_checked = check == ParamsCheck::now || params.empty();
  message.body = std::move(body);
  return true;
}

}  // namespace moonring::jsonrpc::detail
