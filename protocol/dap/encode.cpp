// Debug Adapter Protocol encoding: compact message bodies appended to the caller's string. Raw
// JSON arguments are the caller's, copied verbatim.
#include <charconv>

#include "protocol/dap/message.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::dap {
namespace {

void append_integer(std::string& out, int64_t n) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, result.ptr);
}

void append_header(std::string& out, int64_t seq, std::string_view type) {
  out += R"({"seq":)";
  append_integer(out, seq);
  out += R"(,"type":")";
  out += type;
  out += '"';
}

void append_raw(std::string& out, std::string_view name, std::string_view json) {
  if (json.empty()) return;
  out += ",\"";
  out += name;
  out += "\":";
  out += json;
}

}  // namespace

void append_request(std::string& out, int64_t seq, std::string_view command,
                    std::string_view arguments_json) {
  append_header(out, seq, "request");
  out += R"(,"command":)";
  jsonrpc::append_json_string(out, command);
  append_raw(out, "arguments", arguments_json);
  out += '}';
}

void append_response(std::string& out, int64_t seq, int64_t request_seq, std::string_view command,
                     bool success, std::string_view message, std::string_view body_json) {
  append_header(out, seq, "response");
  out += R"(,"request_seq":)";
  append_integer(out, request_seq);
  out += success ? R"(,"success":true)" : R"(,"success":false)";
  out += R"(,"command":)";
  jsonrpc::append_json_string(out, command);
  if (!message.empty()) {
    out += R"(,"message":)";
    jsonrpc::append_json_string(out, message);
  }
  append_raw(out, "body", body_json);
  out += '}';
}

void append_event(std::string& out, int64_t seq, std::string_view event,
                  std::string_view body_json) {
  append_header(out, seq, "event");
  out += R"(,"event":)";
  jsonrpc::append_json_string(out, event);
  append_raw(out, "body", body_json);
  out += '}';
}

}  // namespace moonring::dap
