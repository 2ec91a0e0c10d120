// JSON reading shared by the JSON-RPC and DAP decoders (private to protocol/): the calling
// thread's simdjson on-demand parser and the few checks the decoders add to it.
//
// What a decoded body is guaranteed to be: stage 1 has validated all of it (UTF-8, strings closed,
// no raw control characters); the members the decoder reads are checked completely (scalars,
// escapes, numbers); a raw value handed on (params, result, arguments, body) has balanced
// brackets and nests no deeper than kMaxDepth, but its inside is read by whoever parses it — that
// keeps decoding a hover request within a small factor of simdjson's own parse (see
// bench/jsonrpc/pipeline_bench.cpp). Nothing here recurses, so no input can exhaust the stack.
#pragma once

#include <simdjson.h>

#include <span>
#include <string>
#include <string_view>

#include "protocol/body.hpp"

namespace moonring::protocol::json {

// Containers nested deeper than this (the message itself included) are refused.
inline constexpr int kMaxDepth = 256;

// The calling thread's parser. trim_parser() drops its buffers after a large document (simdjson
// keeps several bytes per input byte); call it once the document is gone.
simdjson::ondemand::parser& thread_parser();
void trim_parser();

// A value's exact text (no surrounding whitespace). `depth` counts the containers around it.
// Scalars are checked completely; containers are skipped and their nesting bounded: DEPTH_ERROR
// past kMaxDepth.
simdjson::error_code raw(simdjson::ondemand::value& value, int depth, std::string_view& text);

// DEPTH_ERROR when the balanced JSON `text`, with `depth` containers around it, nests deeper than
// kMaxDepth (raw() applies this to the containers it skips).
simdjson::error_code check_depth(std::string_view text, int depth);

// A string value as a view into `body`: its bytes when it has no escapes, otherwise unescaped in
// place over its escaped form (never shorter), so decoded messages need no storage of their own.
// INCORRECT_TYPE, with the value left unread, when it is not a string.
simdjson::error_code string_in_place(simdjson::ondemand::value& value, Body& body,
                                     std::string_view& text);

// The unescaped text of a raw string that lies in `body` (the slow path for keys and values that
// did not match as they were).
simdjson::error_code unescape(simdjson::ondemand::raw_json_string string, const Body& body,
                              std::string& out);

// Which of `names` a member's key is (names.size() when none). Keys are compared as they were
// sent, and unescaped (validating their escapes) only when that finds nothing.
simdjson::error_code match_escaped_key(simdjson::ondemand::raw_json_string key, const Body& body,
                                       std::span<const std::string_view> names, std::size_t& index);
inline simdjson::error_code match_key(simdjson::ondemand::raw_json_string key, const Body& body,
                                      std::span<const std::string_view> names, std::size_t& index) {
  const char* raw = key.raw();
  for (index = 0; index < names.size(); ++index) {
    const std::string_view name = names[index];
    // The first byte tells most names apart; the quote after the name is always readable (the
    // key's bytes, then simdjson's padding).
    if (raw[0] != name[0] || raw[name.size()] != '"') continue;
    std::size_t i = 1;
    while (i < name.size() && raw[i] == name[i]) ++i;
    if (i == name.size()) return simdjson::SUCCESS;
  }
  return match_escaped_key(key, body, names, index);
}

// Whether a number, boolean or null's raw text (trailing whitespace removed) is well-formed.
bool is_number(std::string_view token);
simdjson::error_code check_atom(std::string_view token);

// `token` without trailing JSON whitespace (raw tokens run up to the next structural character).
inline std::string_view trim(std::string_view token) {
  while (!token.empty()) {
    const char c = token.back();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    token.remove_suffix(1);
  }
  return token;
}

// A message for `error`; DEPTH_ERROR names the limit.
const char* describe(simdjson::error_code error);

}  // namespace moonring::protocol::json
