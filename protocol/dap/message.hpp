// The Debug Adapter Protocol's base messages: requests, responses and events with `seq`
// numbers, decoded from a body (views into it) and encoded for sending.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/body.hpp"

namespace moonring::dap {

enum class Kind : uint8_t { request, response, event };

struct Message {
  Kind kind = Kind::request;
  int64_t seq = 0;
  std::string_view command;    // request, response
  std::string_view event;      // event
  std::string_view arguments;  // request: raw JSON ("" when absent)
  int64_t request_seq = 0;     // response
  bool success = false;        // response
  std::string_view message;    // response: error message ("" when absent); unescaped view
  std::string_view body_json;  // response, event: raw JSON ("" when absent)
  // Backs the views; escaped strings are unescaped in place in it, so copies are cheap and safe.
  protocol::SharedBody body;
};

struct Invalid {
  int64_t seq = 0;  // 0 when it could not be read
  std::string command;
  std::string reason;  // "missing field 'command'", "invalid JSON: ..."
};

// Never throws.
std::variant<Message, Invalid> decode(protocol::Body body);

void append_request(std::string& out, int64_t seq, std::string_view command,
                    std::string_view arguments_json);
void append_response(std::string& out, int64_t seq, int64_t request_seq, std::string_view command,
                     bool success, std::string_view message, std::string_view body_json);
void append_event(std::string& out, int64_t seq, std::string_view event,
                  std::string_view body_json);

}  // namespace moonring::dap
