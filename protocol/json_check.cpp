// The decoders' additions to simdjson on-demand (see json_check.hpp).
#include "protocol/json_check.hpp"

#include <cstdint>
#include <cstring>

namespace moonring::protocol::json {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// A parser that grew past this for one large document gives its memory back afterwards.
constexpr std::size_t kKeptCapacity = 1u << 20;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The closing quote of the string whose contents start at `begin` (stage 1 guarantees one).
const char* string_end(const char* begin, const char* limit) {
  const char* p = begin;
  while (p < limit) {
    p = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(limit - p)));
    if (p == nullptr) return limit;
    std::size_t backslashes = 0;
    while (p - backslashes > begin && p[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) return p;
    ++p;
  }
  return limit;
}

// Whether the balanced JSON `text` nests containers deeper than `limit`. Strings are jumped over,
// so only brackets outside them count.
bool nests_deeper(std::string_view text, int limit) {
  const char* p = text.data();
  const char* end = p + text.size();
  int depth = 0;
  while (p < end) {
    switch (*p) {
      case '"':
        p = string_end(p + 1, end);
        if (p == end) return false;
        break;
      case '[':
      case '{':
        if (++depth > limit) return true;
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        break;
    }
    ++p;
  }
  return false;
}

// string -> '"' chars '"'. Stage 1 refused unclosed strings and raw control characters, so only
// escapes are left to check, and only when there is a backslash.
error_code check_string(od::value& value, std::string_view token) {
  if (std::memchr(token.data(), '\\', token.size()) == nullptr) return simdjson::SUCCESS;
  std::string_view unescaped;
  return value.get_string().get(unescaped);
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

error_code raw(od::value& value, int depth, std::string_view& text) {
  const std::string_view token = value.raw_json_token();
  switch (token.front()) {
    case '{': {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      if (auto e = object.raw_json().get(text)) return e;
      break;
    }
    case '[': {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      if (auto e = array.raw_json().get(text)) return e;
      break;
    }
    case '"':
      text = trim(token);
      return check_string(value, token);
    default:
      text = trim(token);
      return check_atom(text);
  }
  text = trim(text);
  return check_depth(text, depth);
}

error_code check_depth(std::string_view text, int depth) {
  // Each level takes two brackets, so only a long text can nest too deep.
  const int allowed = kMaxDepth - depth;
  if (text.size() > 2 * static_cast<std::size_t>(allowed) && nests_deeper(text, allowed)) {
    return simdjson::DEPTH_ERROR;
  }
  return simdjson::SUCCESS;
}

error_code string_in_place(od::value& value, Body& body, std::string_view& text) {
  // The token runs from the opening quote to the next structural character: without escapes, the
  // string is what lies between its quotes, and the value can be left for the parent to skip.
  const std::string_view token = trim(value.raw_json_token());
  if (token.front() != '"') return simdjson::INCORRECT_TYPE;
  const std::string_view contents = token.substr(1, token.size() - 2);
  if (std::memchr(contents.data(), '\\', contents.size()) == nullptr) {
    text = contents;
    return simdjson::SUCCESS;
  }
  // Escapes: unescape (which validates them) and write back over the escaped form.
  od::raw_json_string string;
  if (auto e = value.get_raw_json_string().get(string)) return e;
  std::string scratch(contents.size() + simdjson::SIMDJSON_PADDING, '\0');
  auto* out = reinterpret_cast<uint8_t*>(scratch.data());
  std::string_view unescaped;
  if (auto e = thread_parser().unescape(string, out).get(unescaped)) return e;
  char* target = body.data() + (contents.data() - body.data());
  std::memcpy(target, unescaped.data(), unescaped.size());
  text = {target, unescaped.size()};
  return simdjson::SUCCESS;
}

error_code unescape(od::raw_json_string string, const Body& body, std::string& out) {
  const char* end = string_end(string.raw(), body.data() + body.size());
  out.assign(static_cast<std::size_t>(end - string.raw()) + simdjson::SIMDJSON_PADDING, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(out.data());
  std::string_view unescaped;
  if (auto e = thread_parser().unescape(string, dst).get(unescaped)) return e;
  out.resize(unescaped.size());
  return simdjson::SUCCESS;
}

error_code match_escaped_key(od::raw_json_string key, const Body& body,
                             std::span<const std::string_view> names, std::size_t& index) {
  std::string name;
  if (auto e = unescape(key, body, name)) return e;
  for (index = 0; index < names.size(); ++index) {
    if (name == names[index]) break;
  }
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

error_code check_atom(std::string_view token) {
  if (token == "true" || token == "false" || token == "null") return simdjson::SUCCESS;
  if (is_number(token)) return simdjson::SUCCESS;
  switch (token.front()) {
    case 't':
      return simdjson::T_ATOM_ERROR;
    case 'f':
      return simdjson::F_ATOM_ERROR;
    case 'n':
      return simdjson::N_ATOM_ERROR;
    default:
      return is_digit(token.front()) || token.front() == '-' ? simdjson::NUMBER_ERROR
                                                             : simdjson::TAPE_ERROR;
  }
}

const char* describe(error_code error) {
  static_assert(kMaxDepth == 256, "update the message below");
  if (error == simdjson::DEPTH_ERROR) return "nested deeper than 256 levels";
  return simdjson::error_message(error);
}

}  // namespace moonring::protocol::json
