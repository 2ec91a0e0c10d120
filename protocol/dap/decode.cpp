// Debug Adapter Protocol decoding: one body into a request, response or event (views into the
// body), or an Invalid whose reason names the field at fault. Every value is read completely
// (json_check.hpp), so malformed JSON anywhere is "invalid JSON: ..." and deep nesting an error.
#include <simdjson.h>

#include "protocol/dap/message.hpp"
#include "protocol/json_check.hpp"

namespace moonring::dap {
namespace {

namespace json = protocol::json;
namespace od = simdjson::ondemand;
using simdjson::error_code;

// The fields DAP's base protocol knows, as bits of Fields::seen.
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

unsigned field_of(std::string_view key) {
  if (key == "seq") return kSeq;
  if (key == "type") return kType;
  if (key == "command") return kCommand;
  if (key == "event") return kEvent;
  if (key == "arguments") return kArguments;
  if (key == "request_seq") return kRequestSeq;
  if (key == "success") return kSuccess;
  if (key == "message") return kMessage;
  if (key == "body") return kBody;
  return 0;
}

void note(Fields& f, std::string problem) {
  if (f.problem.empty()) f.problem = std::move(problem);
}

// A field of the wrong type: still read completely (it must be valid JSON), and noted.
error_code reject(od::value value, Fields& f, std::string_view key, std::string_view wanted) {
  note(f, "field '" + std::string(key) + "' must be " + std::string(wanted));
  return json::check(value, 1);
}

error_code read_integer(od::value value, Fields& f, std::string_view key, int64_t& n) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::number) return reject(value, f, key, "an integer");
  const std::string_view token = json::trim(value.raw_json_token());
  int64_t read = 0;
  if (value.get_int64().get(read) == simdjson::SUCCESS) {
    n = read;
    return simdjson::SUCCESS;
  }
  if (!json::is_number(token)) return simdjson::NUMBER_ERROR;
  note(f, "field '" + std::string(key) + "' must be an integer");
  return simdjson::SUCCESS;
}

error_code read_string(od::value value, protocol::Body& body, Fields& f, std::string_view key,
                       std::string_view& text) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::string) return reject(value, f, key, "a string");
  return json::string_in_place(value, body, text);
}

error_code read_type(od::value value, Fields& f) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  std::string_view name;
  if (type == od::json_type::string) {
    if (auto e = value.get_string().get(name)) return e;
  } else if (auto e = json::check(value, 1)) {
    return e;
  }
  if (name == "request") {
    f.out.kind = Kind::request;
  } else if (name == "response") {
    f.out.kind = Kind::response;
  } else if (name == "event") {
    f.out.kind = Kind::event;
  } else {
    note(f, "field 'type' must be \"request\", \"response\" or \"event\"");
  }
  return simdjson::SUCCESS;
}

error_code read_bool(od::value value, Fields& f, std::string_view key, bool& flag) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::boolean) return reject(value, f, key, "a boolean");
  return value.get_bool().get(flag);
}

error_code read_field(std::string_view key, od::value value, protocol::Body& body, Fields& f) {
  const unsigned field = field_of(key);
  if (field & f.seen) {
    note(f, "duplicate field '" + std::string(key) + "'");
    return json::check(value, 1);
  }
  f.seen |= field;
  Message& m = f.out;
  switch (field) {
    case kSeq: return read_integer(value, f, key, m.seq);
    case kType: return read_type(value, f);
    case kCommand: return read_string(value, body, f, key, m.command);
    case kEvent: return read_string(value, body, f, key, m.event);
    case kArguments: return json::raw(value, 1, m.arguments);
    case kRequestSeq: return read_integer(value, f, key, m.request_seq);
    case kSuccess: return read_bool(value, f, key, m.success);
    case kMessage: return read_string(value, body, f, key, m.message);
    case kBody: return json::raw(value, 1, m.body_json);
    default: return json::check(value, 1);
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
  od::object object;
  if (auto e = doc.get_object().get(object)) {
    // Not an object: tell malformed JSON from a well-formed value of the wrong kind.
    od::json_type type;
    if (doc.type().get(type) != simdjson::SUCCESS || e != simdjson::INCORRECT_TYPE) return e;
    note(f, "not an object");
    return simdjson::SUCCESS;
  }
  for (auto element : object) {
    od::field field;
    if (auto e = std::move(element).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    const error_code e = read_field(key, field.value(), body, f);
    if (e == simdjson::DEPTH_ERROR) {
      note(f, json::describe(e));  // the rest of the value is skipped by the object's iterator
    } else if (e) {
      return e;
    }
  }
  const char* location = nullptr;
  const error_code e = doc.current_location().get(location);
  if (e == simdjson::OUT_OF_BOUNDS) return simdjson::SUCCESS;
  return e ? e : simdjson::TRAILING_CONTENT;
}

}  // namespace

std::variant<Message, Invalid> decode(protocol::Body body) {
  auto shared = std::make_shared<protocol::Body>(std::move(body));
  Fields f;
  const error_code e = decode_document(*shared, f);
  json::trim_parser();
  if (e) return Invalid{0, {}, std::string("invalid JSON: ") + json::describe(e)};
  if (f.problem.empty()) {
    if (const char* field = missing_field(f)) f.problem = "missing field '" + std::string(field) + "'";
  }
  if (!f.problem.empty()) return Invalid{f.out.seq, std::string(f.out.command), std::move(f.problem)};
  f.out.body = std::move(shared);
  return std::move(f.out);
}

}  // namespace moonring::dap
