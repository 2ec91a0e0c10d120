// JSON-RPC 2.0 decoding: one body into requests, notifications and responses (views into the
// body), or the error response each bad message deserves.
//
// Errors: a body that is not JSON (stage 1 refuses invalid UTF-8, unclosed strings, raw control
// characters; the members read here are checked completely) is one -32700 with a null id, batch or
// not. Wrong shapes are -32600, with the message's id when it could be read. Nesting deeper than
// json::kMaxDepth is -32600 too: the message is unacceptable rather than unreadable, and its id
// (read past the deep value) lets the client match the reply. The inside of params and result is
// left to whoever parses them (json_check.hpp says why). Lenient on one point: `"params": null`,
// which some clients send, counts as absent.
#include <simdjson.h>

#include <array>

#include "protocol/json_check.hpp"
#include "protocol/jsonrpc/decode_paths.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::jsonrpc {
namespace {

namespace json = protocol::json;
namespace od = simdjson::ondemand;
using simdjson::error_code;

// The members JSON-RPC knows, in the order of their bits in Members::seen.
constexpr std::array<std::string_view, 6> kMemberNames = {"jsonrpc", "id",     "method",
                                                          "params",  "result", "error"};
enum Member : unsigned {
  kJsonrpc = 1,
  kId = 2,
  kMethod = 4,
  kParams = 8,
  kResult = 16,
  kError = 32
};

// Reading one message object, in a single pass (members may come in any order). The members go
// straight into the Message that will be handed out; what was wrong may turn it into an Invalid.
struct Members {
  explicit Members(Message& into) : message(into) {}
  Message& message;  // its id stays kind none until a valid id (or null) is read
  unsigned seen = 0;
  bool version_ok = false;
  std::string problem;  // the first shape problem: makes the message a -32600
};

Invalid invalid(Id id, int code, std::string message) {
  return Invalid{std::move(id), ErrorObject{code, std::move(message), {}}};
}

Invalid bad_request(Id id, std::string_view why) {
  return invalid(std::move(id), code::invalid_request, "Invalid Request: " + std::string(why));
}

void note(Members& m, std::string_view problem) {
  if (m.problem.empty()) m.problem = problem;
}

// A value of an unwanted type: still read (it must be JSON), and noted.
error_code reject(od::value& value, int depth, Members& m, std::string_view problem) {
  note(m, problem);
  std::string_view ignored;
  return json::raw(value, depth, ignored);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

error_code read_version(od::value& value, int depth, const protocol::Body& body, Members& m) {
  // Read from the token, leaving the value for the object's iterator to step over.
  if (json::trim(value.raw_json_token()) == R"("2.0")") {
    m.version_ok = true;
    return simdjson::SUCCESS;
  }
  od::raw_json_string version;
  const error_code e = value.get_raw_json_string().get(version);
  if (e == simdjson::INCORRECT_TYPE) return reject(value, depth, m, "\"jsonrpc\" must be \"2.0\"");
  if (e) return e;
  std::string text;  // escaped, or wrong
  if (auto unescaped = json::unescape(version, body, text)) return unescaped;
  m.version_ok = text == "2.0";
  return simdjson::SUCCESS;
}

// id -> integer | string | null (null only means something in an error response)
error_code read_id(od::value& value, int depth, Members& m) {
  const std::string_view token = value.raw_json_token();
  const char first = token.front();
  if (first == '"') {
    std::string_view text;
    if (auto e = value.get_string().get(text)) return e;
    m.message.id = Id::of(std::string(text));
    return simdjson::SUCCESS;
  }
  if (first == 'n') {
    m.message.id = Id::null_id();
    return json::check_atom(json::trim(token));
  }
  if (first != '-' && !is_digit(first)) {
    return reject(value, depth, m, "id must be an integer or a string");
  }
  int64_t n = 0;
  if (value.get_int64().get(n) == simdjson::SUCCESS) {
    m.message.id = Id::of(n);
    return simdjson::SUCCESS;
  }
  const std::string_view number = json::trim(token);
  if (!json::is_number(number)) return simdjson::NUMBER_ERROR;
  const bool integral = number.find_first_of(".eE") == std::string_view::npos;
  note(m, integral ? "id out of range" : "id must be an integer or a string");
  return simdjson::SUCCESS;
}

error_code read_method(od::value& value, int depth, protocol::Body& body, Members& m) {
  const error_code e = json::string_in_place(value, body, m.message.method);
  if (e == simdjson::INCORRECT_TYPE) return reject(value, depth, m, "method must be a string");
  return e;
}

error_code read_params(od::value& value, int depth, Members& m) {
  const char first = value.raw_json_token().front();
  if (auto e = json::raw(value, depth, m.message.params)) return e;
  if (first != '{' && first != '[') {
    if (m.message.params != "null") note(m, "params must be an object or an array");
    m.message.params = {};
  }
  return simdjson::SUCCESS;
}

// error -> '{' "code": integer, "message": string, ("data": any)? '}'
error_code read_error(od::value& value, int depth, const protocol::Body& body, Members& m) {
  if (value.raw_json_token().front() != '{') {
    return reject(value, depth, m, "error must be an object");
  }
  constexpr std::array<std::string_view, 3> kNames = {"code", "message", "data"};
  od::object object;
  if (auto e = value.get_object().get(object)) return e;
  ErrorObject error;
  bool have_code = false;
  bool have_message = false;
  for (auto element : object) {
    if (auto e = element.error()) return e;
    od::field& field = element.value_unsafe();
    std::size_t index = 0;
    if (auto e = json::match_key(field.key(), body, kNames, index)) return e;
    od::value& member = field.value();
    const std::string_view token = member.raw_json_token();
    std::string_view text;
    if (index == 0 && (token.front() == '-' || is_digit(token.front()))) {
      int64_t code = 0;
      if (member.get_int64().get(code) == simdjson::SUCCESS && code >= INT32_MIN &&
          code <= INT32_MAX) {
        error.code = static_cast<int>(code);
        have_code = true;
      } else if (!json::is_number(json::trim(token))) {
        return simdjson::NUMBER_ERROR;
      }
    } else if (index == 1 && token.front() == '"') {
      if (auto e = member.get_string().get(text)) return e;
      error.message = text;
      have_message = true;
    } else if (index == 2) {
      if (auto e = json::raw(member, depth + 1, text)) return e;
      error.data_json = text;
    } else if (auto e = json::raw(member, depth + 1, text)) {
      return e;
    }
  }
  if (!have_code || !have_message) {
    note(m, "error must have an integer \"code\" and a string \"message\"");
  }
  m.message.error = std::move(error);
  return simdjson::SUCCESS;
}

// Reads the members of one message object; `depth` counts the containers around their values.
// Returns an error only for malformed JSON; shape problems go to m.problem.
error_code read_members(od::object object, int depth, protocol::Body& body, Members& m) {
  for (auto element : object) {
    if (auto e = element.error()) return e;
    od::field& field = element.value_unsafe();
    std::size_t index = 0;
    if (auto e = json::match_key(field.key(), body, kMemberNames, index)) return e;
    od::value& value = field.value();
    const unsigned member = index < kMemberNames.size() ? 1u << index : 0;
    error_code e = simdjson::SUCCESS;
    if (member & m.seen) {
      e = reject(value, depth, m, "duplicate member \"" + std::string(kMemberNames[index]) + "\"");
    } else {
      m.seen |= member;
      switch (member) {
        case kJsonrpc:
          e = read_version(value, depth, body, m);
          break;
        case kId:
          e = read_id(value, depth, m);
          break;
        case kMethod:
          e = read_method(value, depth, body, m);
          break;
        case kParams:
          e = read_params(value, depth, m);
          break;
        case kResult:
          e = json::raw(value, depth, m.message.result);
          break;
        case kError:
          e = read_error(value, depth, body, m);
          break;
        default: {
          std::string_view ignored;
          e = json::raw(value, depth, ignored);
          break;
        }
      }
    }
    if (e == simdjson::DEPTH_ERROR) {
      note(m, json::describe(e));  // the deep value has been skipped whole
    } else if (e) {
      return e;
    }
  }
  return simdjson::SUCCESS;
}

// Settles what the members made (items.back(), a Message so far): a request, a notification, a
// response, or an Invalid. A message takes `body` (a single message takes the last reference,
// sparing two atomic count updates).
void classify(Members& m, protocol::SharedBody body, std::vector<Item>& items) {
  Message& message = m.message;
  const bool usable_id =
      message.id.kind == Id::Kind::integer || message.id.kind == Id::Kind::string;
  const auto bad = [&](bool with_id, std::string_view why) {
    // The id an error reply carries: the message's when it could be read.
    Id id = with_id && usable_id ? std::move(message.id) : Id::null_id();
    items.back() = bad_request(std::move(id), why);  // `message` is gone from here on
  };
  if (!m.problem.empty()) return bad(true, m.problem);
  if (!m.version_ok) return bad(true, "\"jsonrpc\" must be \"2.0\"");
  const bool has_id = m.seen & kId;
  const bool has_result = m.seen & kResult;
  const bool has_error = m.seen & kError;

  if (m.seen & kMethod) {
    if (has_result || has_error) return bad(true, "a request cannot carry \"result\" or \"error\"");
    if (has_id && !usable_id) return bad(false, "a request id cannot be null");
    message.kind = has_id ? Kind::request : Kind::notification;
  } else {
    if (has_result && has_error) {
      return bad(true, "a response cannot carry both \"result\" and \"error\"");
    }
    if (!has_result && !has_error) return bad(true, "no \"method\", \"result\" or \"error\"");
    if (!has_id || (has_result && !usable_id)) {
      return bad(false, "a response needs the id of its request");
    }
    message.kind = Kind::response;
  }
  message.body = std::move(body);
}

// Nothing may follow the top-level value.
error_code at_end(od::document& doc) {
  const char* location = nullptr;
  const error_code e = doc.current_location().get(location);
  if (e == simdjson::OUT_OF_BOUNDS) return simdjson::SUCCESS;
  return e ? e : simdjson::TRAILING_CONTENT;
}

// batch -> '[' message (',' message)* ']'
error_code decode_batch(od::document& doc, protocol::SharedBody& shared, Decoded& out) {
  od::array array;
  if (auto e = doc.get_array().get(array)) return e;
  for (auto element : array) {
    od::value value;
    if (auto e = element.get(value)) return e;
    if (value.raw_json_token().front() == '{') {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      Members m{std::get<Message>(out.items.emplace_back(std::in_place_type<Message>))};
      if (auto e = read_members(object, 2, shared.unshared(), m)) return e;
      classify(m, shared, out.items);
      continue;
    }
    std::string_view ignored;
    if (auto e = json::raw(value, 1, ignored); e && e != simdjson::DEPTH_ERROR) return e;
    out.items.emplace_back(bad_request(Id::null_id(), "a batch element must be an object"));
  }
  if (auto e = at_end(doc)) return e;
  out.batch = !out.items.empty();
  if (out.items.empty()) out.items.emplace_back(bad_request(Id::null_id(), "empty batch"));
  return simdjson::SUCCESS;
}

error_code decode_document(protocol::SharedBody& shared, Decoded& out) {
  protocol::Body& body = shared.unshared();
  od::document doc;
  const simdjson::padded_string_view text(body.data(), body.size(), body.padded_size());
  if (auto e = json::thread_parser().iterate(text).get(doc)) return e;
  std::string_view token;
  if (auto e = doc.raw_json_token().get(token)) return e;
  if (token.front() == '[') return decode_batch(doc, shared, out);
  if (token.front() == '{') {
    od::object object;
    if (auto e = doc.get_object().get(object)) return e;
    Members m{std::get<Message>(out.items.emplace_back(std::in_place_type<Message>))};
    if (auto e = read_members(object, 1, body, m)) return e;
    if (auto e = at_end(doc)) return e;
    classify(m, std::move(shared), out.items);  // the document is done with the body
    return simdjson::SUCCESS;
  }
  // A lone scalar: well-formed or not, it is no request.
  if (token.data() + token.size() != body.data() + body.size()) return simdjson::TRAILING_CONTENT;
  if (token.front() == '"') {
    std::string_view unescaped;
    if (auto e = doc.get_string().get(unescaped)) return e;
  } else if (auto e = json::check_atom(json::trim(token))) {
    return e;
  }
  out.items.emplace_back(bad_request(Id::null_id(), "not an object"));
  return simdjson::SUCCESS;
}

// Any body: a JSON error anywhere makes the whole of it one -32700.
void decode_any(protocol::SharedBody& shared, Decoded& out) {
  if (const error_code e = decode_document(shared, out)) {
    out.batch = false;
    out.items.clear();
    out.items.emplace_back(invalid(Id::null_id(), code::parse_error,
                                   std::string("Parse error: ") + json::describe(e)));
  }
}

}  // namespace

void decode(protocol::Body body, Decoded& out) {
  decode(std::move(body), out, ParamsCheck::now);
}

void decode(protocol::Body body, Decoded& out, ParamsCheck check) {
  out.batch = false;
  out.items.clear();
  protocol::SharedBody shared(std::move(body));
  if (!detail::decode_usual(shared, out, check)) decode_any(shared, out);
  json::trim_parser();
}

bool params_are_json(const Message& m) {
  return m.params_checked || detail::params_are_json(*m.body, m.params);
}

Decoded decode(protocol::Body body) {
  Decoded out;
  out.items.reserve(1);
  decode(std::move(body), out);
  return out;
}

}  // namespace moonring::jsonrpc

namespace moonring::jsonrpc::detail {

Decoded decode_general(protocol::Body body) {
  protocol::SharedBody shared(std::move(body));
  Decoded out;
  decode_any(shared, out);
  json::trim_parser();
  return out;
}

}  // namespace moonring::jsonrpc::detail
