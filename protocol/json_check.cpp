// Complete, depth-bounded reading of on-demand JSON values (see json_check.hpp).
#include "protocol/json_check.hpp"

#include <cstdint>
#include <cstring>
#include <string>

namespace moonring::protocol::json {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// A parser that grew past this for one large document gives its memory back afterwards.
constexpr std::size_t kKeptCapacity = 1u << 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// string -> '"' chars '"'. Stage 1 already refused unclosed strings and raw control characters,
// so only escapes are left to check, and only when there is a backslash.
error_code check_string(od::value value) {
  const std::string_view token = value.raw_json_token();
  if (std::memchr(token.data(), '\\', token.size()) == nullptr) return simdjson::SUCCESS;
  std::string_view unescaped;
  return value.get_string().get(unescaped);
}

error_code check_array(od::array array, int depth) {
  for (auto element : array) {
    od::value item;
    if (auto e = element.get(item)) return e;
    if (auto e = check(item, depth)) return e;
  }
  return simdjson::SUCCESS;
}

error_code check_object(od::object object, int depth) {
  for (auto element : object) {
    od::field field;
    if (auto e = std::move(element).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    if (auto e = check(field.value(), depth)) return e;
  }
  return simdjson::SUCCESS;
}

}  // namespace

od::parser& thread_parser() {
  thread_local od::parser parser;
  return parser;
}

void trim_parser() {
  od::parser& parser = thread_parser();
  if (parser.capacity() > kKeptCapacity) parser = od::parser{};
}

error_code check(od::value value, int depth) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::array: {
      if (depth >= kMaxDepth) return simdjson::DEPTH_ERROR;
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      return check_array(array, depth + 1);
    }
    case od::json_type::object: {
      if (depth >= kMaxDepth) return simdjson::DEPTH_ERROR;
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      return check_object(object, depth + 1);
    }
    case od::json_type::string:
      return check_string(value);
    default:
      return check_atom(type, trim(value.raw_json_token()));
  }
}

error_code raw(od::value value, int depth, std::string_view& text) {
  const std::string_view token = value.raw_json_token();
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (auto e = check(value, depth)) return e;
  if (type != od::json_type::array && type != od::json_type::object) {
    text = trim(token);
    return simdjson::SUCCESS;
  }
  // A container has been read to its end: the iterator now stands on the token after it.
  const char* end = nullptr;
  if (auto e = value.current_location().get(end)) return e;
  text = trim({token.data(), static_cast<std::size_t>(end - token.data())});
  return simdjson::SUCCESS;
}

error_code string_in_place(od::value value, Body& body, std::string_view& text) {
  od::raw_json_string raw_string;
  if (auto e = value.get_raw_json_string().get(raw_string)) return e;
  const char* begin = raw_string.raw();
  const char* body_end = body.data() + body.size();
  const auto* quote = static_cast<const char*>(std::memchr(begin, '"', body_end - begin));
  if (quote == nullptr) return simdjson::UNCLOSED_STRING;  // stage 1 makes this unreachable
  if (std::memchr(begin, '\\', quote - begin) == nullptr) {
    text = {begin, static_cast<std::size_t>(quote - begin)};
    return simdjson::SUCCESS;
  }
  // Escapes: find the real closing quote, unescape (which validates them) and write back.
  const char* end = begin;
  while (end < body_end && *end != '"') end += *end == '\\' ? 2 : 1;
  std::string scratch(static_cast<std::size_t>(end - begin) + simdjson::SIMDJSON_PADDING, '\0');
  auto* out = reinterpret_cast<uint8_t*>(scratch.data());
  std::string_view unescaped;
  if (auto e = thread_parser().unescape(raw_string, out).get(unescaped)) return e;
  char* target = body.data() + (begin - body.data());
  std::memcpy(target, unescaped.data(), unescaped.size());
  text = {target, unescaped.size()};
  return simdjson::SUCCESS;
}

// number -> '-'? int frac? exp?   int -> '0' | [1-9] digit*   frac -> '.' digit+
// exp -> [eE] [+-]? digit+
bool is_number(std::string_view token) {
  std::size_t i = 0;
  const std::size_t n = token.size();
  if (i < n && token[i] == '-') ++i;
  if (i == n || !is_digit(token[i])) return false;
  if (token[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(token[i])) ++i;
  }
  if (i < n && token[i] == '.') {
    if (++i == n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    if (++i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (i == n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  return i == n;
}

error_code check_atom(od::json_type type, std::string_view token) {
  switch (type) {
    case od::json_type::number:
      return is_number(token) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    case od::json_type::boolean:
      if (token == "true") return simdjson::SUCCESS;
      return token == "false" ? simdjson::SUCCESS : simdjson::T_ATOM_ERROR;
    case od::json_type::null:
      return token == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    default:
      return simdjson::TAPE_ERROR;
  }
}

std::string_view trim(std::string_view token) {
  while (!token.empty()) {
    const char c = token.back();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    token.remove_suffix(1);
  }
  return token;
}

const char* describe(error_code error) {
  static_assert(kMaxDepth == 256, "update the message below");
  if (error == simdjson::DEPTH_ERROR) return "nested deeper than 256 levels";
  return simdjson::error_message(error);
}

}  // namespace moonring::protocol::json
