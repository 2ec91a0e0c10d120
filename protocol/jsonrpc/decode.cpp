// JSON-RPC 2.0 decoding: one body into requests, notifications and responses (views into the
// body), or the error response each bad message deserves.
//
// Errors: malformed JSON anywhere in the body (invalid UTF-8 included) is one -32700 with a null
// id, batch or not. Wrong shapes are -32600, with the message's id when it could be read.
// Nesting deeper than json::kMaxDepth is -32600 too: the JSON is well-formed, the message is
// merely unacceptable, and its id (read past the deep value) lets the client match the reply.
// Lenient on one point: `"params": null`, which some clients send, counts as absent.
#include <simdjson.h>

#include "protocol/json_check.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::jsonrpc {
namespace {

namespace json = protocol::json;
namespace od = simdjson::ondemand;
using simdjson::error_code;

Invalid invalid(Id id, int code, std::string message) {
  return Invalid{std::move(id), ErrorObject{code, std::move(message), {}}};
}

Invalid bad_request(Id id, std::string_view why) {
  return invalid(std::move(id), code::invalid_request, "Invalid Request: " + std::string(why));
}

// The members JSON-RPC knows, as bits of Members::seen.
enum Member : unsigned { kJsonrpc = 1, kId = 2, kMethod = 4, kParams = 8, kResult = 16, kError = 32 };

// The members of one message object, read in a single pass (they may come in any order).
struct Members {
  unsigned seen = 0;
  bool version_ok = false;
  Id id;  // kind none until a valid id (or null) is read
  std::string_view method;
  std::string_view params;
  std::string_view result;
  std::optional<ErrorObject> error;
  std::string problem;  // the first shape problem: makes the message a -32600
};

unsigned member_of(std::string_view key) {
  if (key == "jsonrpc") return kJsonrpc;
  if (key == "id") return kId;
  if (key == "method") return kMethod;
  if (key == "params") return kParams;
  if (key == "result") return kResult;
  if (key == "error") return kError;
  return 0;
}

void note(Members& m, std::string_view problem) {
  if (m.problem.empty()) m.problem = problem;
}

// Reads a value of an unwanted type completely (it must still be valid JSON) and notes why it is
// unwanted.
error_code reject(od::value value, int depth, Members& m, std::string_view problem) {
  note(m, problem);
  return json::check(value, depth);
}

error_code read_version(od::value value, int depth, Members& m) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::string) return json::check(value, depth);
  std::string_view version;
  if (auto e = value.get_string().get(version)) return e;
  m.version_ok = version == "2.0";
  return simdjson::SUCCESS;
}

// id -> integer | string | null (null only means something in an error response)
error_code read_id(od::value value, int depth, Members& m) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (auto e = value.get_string().get(text)) return e;
      m.id = Id::of(std::string(text));
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      const std::string_view token = json::trim(value.raw_json_token());
      int64_t n = 0;
      if (value.get_int64().get(n) == simdjson::SUCCESS) {
        m.id = Id::of(n);
        return simdjson::SUCCESS;
      }
      if (!json::is_number(token)) return simdjson::NUMBER_ERROR;
      const bool integral = token.find_first_of(".eE") == std::string_view::npos;
      note(m, integral ? "id out of range" : "id must be an integer or a string");
      return simdjson::SUCCESS;
    }
    case od::json_type::null:
      m.id = Id::null_id();
      return json::check(value, depth);
    default:
      return reject(value, depth, m, "id must be an integer or a string");
  }
}

error_code read_method(od::value value, int depth, protocol::Body& body, Members& m) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::string) return reject(value, depth, m, "method must be a string");
  return json::string_in_place(value, body, m.method);
}

error_code read_params(od::value value, int depth, Members& m) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type == od::json_type::object || type == od::json_type::array) {
    return json::raw(value, depth, m.params);
  }
  if (type == od::json_type::null) return json::check(value, depth);
  return reject(value, depth, m, "params must be an object or an array");
}

// error -> '{' "code": integer, "message": string, ("data": any)? '}'
error_code read_error(od::value value, int depth, Members& m) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type != od::json_type::object) return reject(value, depth, m, "error must be an object");
  od::object object;
  if (auto e = value.get_object().get(object)) return e;
  ErrorObject error;
  bool have_code = false;
  bool have_message = false;
  for (auto element : object) {
    od::field field;
    if (auto e = std::move(element).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value member = field.value();
    if (auto e = member.type().get(type)) return e;
    if (key == "code" && type == od::json_type::number) {
      const std::string_view token = json::trim(member.raw_json_token());
      int64_t code = 0;
      if (member.get_int64().get(code) == simdjson::SUCCESS && code >= INT32_MIN &&
          code <= INT32_MAX) {
        error.code = static_cast<int>(code);
        have_code = true;
      } else if (!json::is_number(token)) {
        return simdjson::NUMBER_ERROR;
      }
    } else if (key == "message" && type == od::json_type::string) {
      std::string_view text;
      if (auto e = member.get_string().get(text)) return e;
      error.message = text;
      have_message = true;
    } else if (key == "data") {
      std::string_view data;
      if (auto e = json::raw(member, depth + 1, data)) return e;
      error.data_json = data;
    } else if (auto e = json::check(member, depth + 1)) {
      return e;
    }
  }
  if (!have_code || !have_message) {
    note(m, "error must have an integer \"code\" and a string \"message\"");
  }
  m.error = std::move(error);
  return simdjson::SUCCESS;
}

// Reads the members of one message object; `depth` counts the containers around their values.
// Returns an error only for malformed JSON; shape problems go to m.problem.
error_code read_members(od::object object, int depth, protocol::Body& body, Members& m) {
  for (auto element : object) {
    od::field field;
    if (auto e = std::move(element).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value value = field.value();
    const unsigned member = member_of(key);
    error_code e = simdjson::SUCCESS;
    if (member & m.seen) {
      e = reject(value, depth, m, "duplicate member \"" + std::string(key) + "\"");
    } else {
      m.seen |= member;
      switch (member) {
        case kJsonrpc: e = read_version(value, depth, m); break;
        case kId: e = read_id(value, depth, m); break;
        case kMethod: e = read_method(value, depth, body, m); break;
        case kParams: e = read_params(value, depth, m); break;
        case kResult: e = json::raw(value, depth, m.result); break;
        case kError: e = read_error(value, depth, m); break;
        default: e = json::check(value, depth); break;
      }
    }
    if (e == simdjson::DEPTH_ERROR) {
      note(m, json::describe(e));  // the rest of the value is skipped by the object's iterator
    } else if (e) {
      return e;
    }
  }
  return simdjson::SUCCESS;
}

// What the members make: a request, a notification, a response, or an Invalid.
Item classify(Members& m, const std::shared_ptr<const protocol::Body>& body) {
  const bool usable_id = m.id.kind == Id::Kind::integer || m.id.kind == Id::Kind::string;
  // The id an error reply carries: the message's when it could be read.
  const auto reply_id = [&] { return usable_id ? std::move(m.id) : Id::null_id(); };
  if (!m.problem.empty()) return bad_request(reply_id(), m.problem);
  if (!m.version_ok) return bad_request(reply_id(), "\"jsonrpc\" must be \"2.0\"");
  const bool has_id = m.seen & kId;
  const bool has_result = m.seen & kResult;
  const bool has_error = m.seen & kError;

  Message message;
  message.body = body;
  if (m.seen & kMethod) {
    if (has_result || has_error) {
      return bad_request(reply_id(), "a request cannot carry \"result\" or \"error\"");
    }
    if (has_id && !usable_id) return bad_request(Id::null_id(), "a request id cannot be null");
    message.kind = has_id ? Kind::request : Kind::notification;
    message.id = std::move(m.id);
    message.method = m.method;
    message.params = m.params;
    return message;
  }
  if (has_result && has_error) {
    return bad_request(reply_id(), "a response cannot carry both \"result\" and \"error\"");
  }
  if (!has_result && !has_error) {
    return bad_request(reply_id(), "no \"method\", \"result\" or \"error\"");
  }
  if (!has_id || (has_result && !usable_id)) {
    return bad_request(Id::null_id(), "a response needs the id of its request");
  }
  message.kind = Kind::response;
  message.id = std::move(m.id);
  message.result = m.result;
  message.error = std::move(m.error);
  return message;
}

// Nothing may follow the top-level value.
error_code at_end(od::document& doc) {
  const char* location = nullptr;
  const error_code e = doc.current_location().get(location);
  if (e == simdjson::OUT_OF_BOUNDS) return simdjson::SUCCESS;
  return e ? e : simdjson::TRAILING_CONTENT;
}

// batch -> '[' message (',' message)* ']'
error_code decode_batch(od::document& doc, protocol::Body& body,
                        const std::shared_ptr<const protocol::Body>& shared, Decoded& out) {
  od::array array;
  if (auto e = doc.get_array().get(array)) return e;
  for (auto element : array) {
    od::value value;
    if (auto e = element.get(value)) return e;
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    if (type == od::json_type::object) {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      Members m;
      if (auto e = read_members(object, 2, body, m)) return e;
      out.items.push_back(classify(m, shared));
      continue;
    }
    if (auto e = json::check(value, 1); e && e != simdjson::DEPTH_ERROR) return e;
    out.items.emplace_back(bad_request(Id::null_id(), "a batch element must be an object"));
  }
  if (auto e = at_end(doc)) return e;
  out.batch = !out.items.empty();
  if (out.items.empty()) out.items.emplace_back(bad_request(Id::null_id(), "empty batch"));
  return simdjson::SUCCESS;
}

error_code decode_document(protocol::Body& body, const std::shared_ptr<const protocol::Body>& shared,
                           Decoded& out) {
  od::document doc;
  const simdjson::padded_string_view text(body.data(), body.size(), body.padded_size());
  if (auto e = json::thread_parser().iterate(text).get(doc)) return e;
  od::json_type type;
  if (auto e = doc.type().get(type)) return e;
  if (type == od::json_type::array) return decode_batch(doc, body, shared, out);
  if (type == od::json_type::object) {
    od::object object;
    if (auto e = doc.get_object().get(object)) return e;
    Members m;
    if (auto e = read_members(object, 1, body, m)) return e;
    if (auto e = at_end(doc)) return e;
    out.items.push_back(classify(m, shared));
    return simdjson::SUCCESS;
  }
  // A lone scalar: well-formed or not, it is no request.
  std::string_view token;
  if (auto e = doc.raw_json_token().get(token)) return e;
  if (token.data() + token.size() != body.data() + body.size()) return simdjson::TRAILING_CONTENT;
  if (type == od::json_type::string) {
    std::string_view unescaped;
    if (auto e = doc.get_string().get(unescaped)) return e;
  } else if (auto e = json::check_atom(type, json::trim(token))) {
    return e;
  }
  out.items.emplace_back(bad_request(Id::null_id(), "not an object"));
  return simdjson::SUCCESS;
}

}  // namespace

Decoded decode(protocol::Body body) {
  auto shared = std::make_shared<protocol::Body>(std::move(body));
  Decoded out;
  out.items.reserve(1);
  if (const error_code e = decode_document(*shared, shared, out)) {
    out.batch = false;
    out.items.clear();
    out.items.emplace_back(invalid(Id::null_id(), code::parse_error,
                                   std::string("Parse error: ") + json::describe(e)));
  }
  json::trim_parser();
  return out;
}

}  // namespace moonring::jsonrpc
