// JSON reading shared by the JSON-RPC and DAP decoders (private to protocol/): the calling
// thread's simdjson on-demand parser, and checks that read a value completely. On-demand parsing
// validates only what is read and never limits nesting, so the decoders read every value through
// these: a raw view they hand on is well-formed JSON, and a 100,000-deep array is an error value,
// never a stack overflow.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "protocol/body.hpp"

namespace moonring::protocol::json {

// Containers nested deeper than this are refused. check() recurses once per level, so this bounds
// its stack use (a few tens of KB) on any thread.
inline constexpr int kMaxDepth = 256;

// The calling thread's parser. trim_parser() drops its buffers after a large document (simdjson
// keeps several bytes per input byte); call it once the document is gone.
simdjson::ondemand::parser& thread_parser();
void trim_parser();

// Reads `value` completely. `depth` counts the containers around it. Returns SUCCESS,
// DEPTH_ERROR when containers nest deeper than kMaxDepth, or simdjson's error for bad JSON.
simdjson::error_code check(simdjson::ondemand::value value, int depth);

// check(), and the value's exact text (without surrounding whitespace).
simdjson::error_code raw(simdjson::ondemand::value value, int depth, std::string_view& text);

// A string value (the caller checked its type) as a view into `body`: its bytes when it has no
// escapes, otherwise unescaped in place over its escaped form (never shorter), so that decoded
// messages need no storage of their own.
simdjson::error_code string_in_place(simdjson::ondemand::value value, Body& body,
                                     std::string_view& text);

// Whether a number, boolean or null's raw text (trailing whitespace removed) is well-formed.
bool is_number(std::string_view token);
simdjson::error_code check_atom(simdjson::ondemand::json_type type, std::string_view token);

// `token` without trailing JSON whitespace (raw tokens run up to the next structural character).
std::string_view trim(std::string_view token);

// A message for `error`; DEPTH_ERROR names the limit.
const char* describe(simdjson::error_code error);

}  // namespace moonring::protocol::json
