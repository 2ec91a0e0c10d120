// Debug Adapter Protocol decoding: one body into a request, response or event (views into the
// body), or an Invalid whose reason names the field at fault. The fields read are checked
// completely; arguments and body are raw values (json_check.hpp), their nesting bounded.
#include <simdjson.h>

#include <array>

#include "protocol/dap/message.hpp"
#include "protocol/json_check.hpp"

namespace moonring::dap {
namespace {

namespace json = protocol::json;
namespace od = simdjson::ondemand;
using simdjson::error_code;

// The fields DAP's base protocol knows, in the order of their bits in Fields::seen.
constexpr std::array<std::string_view, 9> kFieldNames = {
    "seq", "type", "command", "event", "arguments", "request_seq", "success", "message", "body"};
enum Field : unsigned {
  kSeq = 1,
  kType = 2,
  kCommand = 4,
  kEvent = 8,
  kArguments = 16,
  kRequestSeq = 32,
  kSuccess = 64,
  kMessage = 128,
  kBody = 256,
};

// The fields of one message, read in a single pass (they may come in any order).
struct Fields {
  unsigned seen = 0;
  Message out;
  std::string problem;  // the first field at fault
};

void note(Fields& f, std::string problem) {
  if (f.problem.empty()) f.problem = std::move(problem);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A field of the wrong type: still read (it must be JSON), and noted.
error_code reject(od::value& value, Fields& f, std::string_view key, std::string_view wanted) {
  note(f, "field '" + std::string(key) + "' must be " + std::string(wanted));
  std::string_view ignored;
  return json::raw(value, 1, ignored);
}

error_code read_integer(od::value& value, Fields& f, std::string_view key, int64_t& n) {
  const std::string_view token = value.raw_json_token();
  if (token.front() != '-' && !is_digit(token.front())) return reject(value, f, key, "an integer");
  int64_t read = 0;
  if (value.get_int64().get(read) == simdjson::SUCCESS) {
    n = read;
    return simdjson::SUCCESS;
  }
  if (!json::is_number(json::trim(token))) return simdjson::NUMBER_ERROR;
  note(f, "field '" + std::string(key) + "' must be an integer");
  return simdjson::SUCCESS;
}

error_code read_string(od::value& value, protocol::Body& body, Fields& f, std::string_view key,
                       std::string_view& text) {
  const error_code e = json::string_in_place(value, body, text);
  if (e == simdjson::INCORRECT_TYPE) return reject(value, f, key, "a string");
  return e;
}

error_code read_type(od::value& value, const protocol::Body& body, Fields& f) {
  constexpr std::array<std::string_view, 3> kKinds = {"request", "response", "event"};
  od::raw_json_string name;
  const error_code e = value.get_raw_json_string().get(name);
  std::size_t kind = kKinds.size();
  if (e == simdjson::INCORRECT_TYPE) {
    std::string_view ignored;
    if (auto not_json = json::raw(value, 1, ignored)) return not_json;
  } else if (e) {
    return e;
  } else if (auto bad_escape = json::match_key(name, body, kKinds, kind)) {
    return bad_escape;
  }
  if (kind == kKinds.size()) {
    note(f, "field 'type' must be \"request\", \"response\" or \"event\"");
  } else {
    f.out.kind = static_cast<Kind>(kind);
  }
  return simdjson::SUCCESS;
}

error_code read_bool(od::value& value, Fields& f, std::string_view key, bool& flag) {
  const char first = value.raw_json_token().front();
  if (first != 't' && first != 'f') return reject(value, f, key, "a boolean");
  return value.get_bool().get(flag);
}

error_code read_field(std::size_t index, od::value& value, protocol::Body& body, Fields& f) {
  const unsigned field = index < kFieldNames.size() ? 1u << index : 0;
  if (field & f.seen) {
    note(f, "duplicate field '" + std::string(kFieldNames[index]) + "'");
    std::string_view ignored;
    return json::raw(value, 1, ignored);
  }
  f.seen |= field;
  Message& m = f.out;
  const std::string_view key = field != 0 ? kFieldNames[index] : std::string_view();
  switch (field) {
    case kSeq:
      return read_integer(value, f, key, m.seq);
    case kType:
      return read_type(value, body, f);
    case kCommand:
      return read_string(value, body, f, key, m.command);
    case kEvent:
      return read_string(value, body, f, key, m.event);
    case kArguments:
      return json::raw(value, 1, m.arguments);
    case kRequestSeq:
      return read_integer(value, f, key, m.request_seq);
    case kSuccess:
      return read_bool(value, f, key, m.success);
    case kMessage:
      return read_string(value, body, f, key, m.message);
    case kBody:
      return json::raw(value, 1, m.body_json);
    default: {
      std::string_view ignored;
      return json::raw(value, 1, ignored);
    }
  }
}

// The field a message of its kind lacks, or nullptr.
const char* missing_field(const Fields& f) {
  if (!(f.seen & kSeq)) return "seq";
  if (!(f.seen & kType)) return "type";
  switch (f.out.kind) {
    case Kind::request:
      if (!(f.seen & kCommand)) return "command";
      break;
    case Kind::response:
      if (!(f.seen & kRequestSeq)) return "request_seq";
      if (!(f.seen & kSuccess)) return "success";
      if (!(f.seen & kCommand)) return "command";
      break;
    case Kind::event:
      if (!(f.seen & kEvent)) return "event";
      break;
  }
  return nullptr;
}

// message -> '{' field (',' field)* '}'
error_code decode_document(protocol::Body& body, Fields& f) {
  od::document doc;
  const simdjson::padded_string_view text(body.data(), body.size(), body.padded_size());
  if (auto e = json::thread_parser().iterate(text).get(doc)) return e;
  std::string_view token;
  if (auto e = doc.raw_json_token().get(token)) return e;
  if (token.front() != '{') {
    // Not an object: tell malformed JSON from a well-formed value of the wrong kind.
    if (token.front() == '[') {
      od::array array;
      if (auto e = doc.get_array().get(array)) return e;
      std::string_view skipped;
      if (auto e = array.raw_json().get(skipped)) return e;
    } else {
      // A lone scalar is never consumed: its token must run to the end of the body.
      if (token.data() + token.size() != body.data() + body.size()) {
        return simdjson::TRAILING_CONTENT;
      }
      if (token.front() == '"') {
        std::string_view unescaped;
        if (auto e = doc.get_string().get(unescaped)) return e;
      } else if (auto e = json::check_atom(json::trim(token))) {
        return e;
      }
      note(f, "not an object");
      return simdjson::SUCCESS;
    }
    note(f, "not an object");
  } else {
    od::object object;
    if (auto e = doc.get_object().get(object)) return e;
    for (auto element : object) {
      if (auto e = element.error()) return e;
      od::field& field = element.value_unsafe();
      std::size_t index = 0;
      if (auto e = json::match_key(field.key(), body, kFieldNames, index)) return e;
      const error_code e = read_field(index, field.value(), body, f);
      if (e == simdjson::DEPTH_ERROR) {
        note(f, json::describe(e));  // the deep value has been skipped whole
      } else if (e) {
        return e;
      }
    }
  }
  const char* location = nullptr;
  const error_code e = doc.current_location().get(location);
  if (e == simdjson::OUT_OF_BOUNDS) return simdjson::SUCCESS;
  return e ? e : simdjson::TRAILING_CONTENT;
}

}  // namespace

std::variant<Message, Invalid> decode(protocol::Body body) {
  protocol::SharedBody shared(std::move(body));
  Fields f;
  const error_code e = decode_document(shared.unshared(), f);
  json::trim_parser();
  if (e) return Invalid{0, {}, std::string("invalid JSON: ") + json::describe(e)};
  if (f.problem.empty()) {
    if (const char* field = missing_field(f))
      f.problem = "missing field '" + std::string(field) + "'";
  }
  if (!f.problem.empty())
    return Invalid{f.out.seq, std::string(f.out.command), std::move(f.problem)};
  f.out.body = std::move(shared);
  return std::move(f.out);
}

}  // namespace moonring::dap
