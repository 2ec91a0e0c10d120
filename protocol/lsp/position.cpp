// Decoding TextDocumentPositionParams (see position.hpp): the usual text read directly, anything
// else with simdjson on-demand, field by field.
#include "protocol/lsp/position.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "protocol/json_check.hpp"
#include "protocol/json_scan.hpp"

namespace moonring::lsp {
namespace {

namespace od = simdjson::ondemand;

constexpr int64_t kMaxUinteger = 2147483647;  // LSP's uinteger: 2^31 - 1

jsonrpc::ErrorObject invalid(std::string what) {
  return jsonrpc::ErrorObject{
      jsonrpc::code::invalid_params, "invalid params: " + std::move(what), {}};
}

jsonrpc::ErrorObject missing(std::string_view field) {
  return invalid("missing required field '" + std::string(field) + "'");
}

jsonrpc::ErrorObject mistyped(std::string_view field, std::string_view wanted) {
  return invalid("field '" + std::string(field) + "' must be " + std::string(wanted));
}

using protocol::json::Cursor;

// uinteger -> '0' | [1-9] digit*, at most 2^31 - 1. Anything else: the general path decides.
bool take_uinteger(Cursor& c, int64_t& out) {
  const char* q = c.p;
  int64_t n = 0;
  while (q < c.end && *q >= '0' && *q <= '9' && q - c.p < 10) n = n * 10 + (*q++ - '0');
  const auto count = q - c.p;
  if (count == 0 || (count > 1 && *c.p == '0') || n > kMaxUinteger) return false;
  if (q < c.end && *q >= '0' && *q <= '9') return false;
  out = n;
  c.p = q;
  return true;
}

// {"textDocument":{"uri":"U"},"position":{"line":L,"character":C}}, as vscode-languageclient
// and most clients send it.
bool decode_usual(std::string_view params, std::string_view& uri, Position& position) {
  Cursor c{params.data(), params.data() + params.size()};
  return c.take(R"({"textDocument":{"uri":")") && c.take_plain_string(uri) &&
         c.take(R"(},"position":{"line":)") && take_uinteger(c, position.line) &&
         c.take(R"(,"character":)") && take_uinteger(c, position.character) && c.take("}}") &&
         c.p == c.end;
}

// A uinteger field's value, or the error naming `field`.
std::optional<jsonrpc::ErrorObject> read_uinteger(od::value value, std::string_view field,
                                                  int64_t& out) {
  int64_t n = 0;
  if (value.get_int64().get(n) || n < 0 || n > kMaxUinteger) {
    return mistyped(field, "an integer from 0 to 2147483647");
  }
  out = n;
  return std::nullopt;
}

std::optional<jsonrpc::ErrorObject> read_position(od::value value, Position& out) {
  od::object object;
  if (value.get_object().get(object)) return mistyped("position", "an object");
  bool have_line = false;
  bool have_character = false;
  for (auto element : object) {
    std::string_view key;
    if (element.error()) return invalid("not JSON");
    od::field& field = element.value_unsafe();
    if (field.unescaped_key().get(key)) return invalid("not JSON");
    if (key == "line") {
      if (auto e = read_uinteger(field.value(), "position.line", out.line)) return e;
      have_line = true;
    } else if (key == "character") {
      if (auto e = read_uinteger(field.value(), "position.character", out.character)) return e;
      have_character = true;
    }
  }
  if (!have_line) return missing("position.line");
  if (!have_character) return missing("position.character");
  return std::nullopt;
}

std::optional<jsonrpc::ErrorObject> read_document(od::value value, std::string& uri) {
  od::object object;
  if (value.get_object().get(object)) return mistyped("textDocument", "an object");
  bool have_uri = false;
  for (auto element : object) {
    std::string_view key;
    if (element.error()) return invalid("not JSON");
    od::field& field = element.value_unsafe();
    if (field.unescaped_key().get(key)) return invalid("not JSON");
    if (key == "uri") {
      std::string_view text;
      if (field.value().get_string().get(text)) return mistyped("textDocument.uri", "a string");
      uri.assign(text);  // the parser's buffer is reused by the next document
      have_uri = true;
    }
  }
  if (!have_uri) return missing("textDocument.uri");
  return std::nullopt;
}

}  // namespace

std::optional<jsonrpc::ErrorObject> decode_position_params(std::string_view params_json,
                                                           TextDocumentPositionParams& out) {
  std::string_view uri;
  Position position;
  if (!decode_usual(params_json, uri, position)) {
    return decode_position_params_general(params_json, out);
  }
  out.set_plain(uri, position);
  return std::nullopt;
}

std::optional<jsonrpc::ErrorObject> decode_position_params(const jsonrpc::Message& request,
                                                           TextDocumentPositionParams& out) {
  // The fast path reads only JSON (plain compares, strings checked for UTF-8 and control bytes),
  // so unchecked params that it accepts need no other check.
  std::string_view uri;
  Position position;
  if (decode_usual(request.params, uri, position)) {
    out.set_plain(uri, position);
    return std::nullopt;
  }
  if (!jsonrpc::params_are_json(request)) {
    return jsonrpc::ErrorObject{jsonrpc::code::parse_error, "Parse error: params are not JSON", {}};
  }
  return decode_position_params_general(request.params, out);
}

std::optional<jsonrpc::ErrorObject> decode_position_params_general(
    std::string_view params_json, TextDocumentPositionParams& out) {
  // Params are a view into a body; a copy gives simdjson its padding (this path is the rare one).
  const simdjson::padded_string text(params_json);
  od::document doc;
  od::object object;
  if (protocol::json::thread_parser().iterate(text).get(doc) || doc.get_object().get(object)) {
    return invalid("params must be an object");
  }
  TextDocumentPositionParams decoded;
  decoded.escaped_ = true;
  bool have_document = false;
  bool have_position = false;
  for (auto element : object) {
    std::string_view key;
    if (element.error()) return invalid("not JSON");
    od::field& field = element.value_unsafe();
    if (field.unescaped_key().get(key)) return invalid("not JSON");
    if (key == "textDocument") {
      if (auto e = read_document(field.value(), decoded.unescaped_)) return e;
      have_document = true;
    } else if (key == "position") {
      if (auto e = read_position(field.value(), decoded.position)) return e;
      have_position = true;
    }
  }
  if (!have_document) return missing("textDocument");
  if (!have_position) return missing("position");
  out = std::move(decoded);
  return std::nullopt;
}

namespace {
// {"line":L,"character":C} written at `p` (room for 64 bytes); returns the end.
char* write_position(char* p, const Position& position) {
  constexpr std::string_view kLine = R"({"line":)";
  constexpr std::string_view kCharacter = R"(,"character":)";
  p = std::copy(kLine.begin(), kLine.end(), p);
  p = std::to_chars(p, p + 20, position.line).ptr;
  p = std::copy(kCharacter.begin(), kCharacter.end(), p);
  p = std::to_chars(p, p + 20, position.character).ptr;
  *p++ = '}';
  return p;
}
}  // namespace

// Built in a local buffer and appended once: these run for every position in every reply.
void append_position(std::string& out, const Position& position) {
  char buffer[64];
  out.append(buffer, write_position(buffer, position));
}

char* write_range(char* out, const Range& range) {
  constexpr std::string_view kStart = R"({"start":)";
  constexpr std::string_view kEnd = R"(,"end":)";
  char* p = std::copy(kStart.begin(), kStart.end(), out);
  p = write_position(p, range.start);
  p = std::copy(kEnd.begin(), kEnd.end(), p);
  p = write_position(p, range.end);
  *p++ = '}';
  return p;
}

void append_range(std::string& out, const Range& range) {
  char buffer[kMaxRangeJson];
  out.append(buffer, write_range(buffer, range));
}

}  // namespace moonring::lsp
