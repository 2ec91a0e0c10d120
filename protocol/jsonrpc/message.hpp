// JSON-RPC 2.0 messages as LSP uses them: decoding a body into requests, notifications and
// responses (views into the body, parsed with simdjson on-demand), and encoding replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/body.hpp"

namespace moonring::jsonrpc {

namespace code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int server_not_initialized = -32002;
inline constexpr int request_cancelled = -32800;
inline constexpr int content_modified = -32801;
}  // namespace code

// A request id: an integer or a string (null only in error responses to unreadable requests).
struct Id {
  enum class Kind : uint8_t { none, integer, string, null };
  Kind kind = Kind::none;
  int64_t integer = 0;
  std::string string;  // unescaped

  static Id of(int64_t n) { return {Kind::integer, n, {}}; }
  static Id of(std::string s) { return {Kind::string, 0, std::move(s)}; }
  static Id null_id() { return {Kind::null, 0, {}}; }
  bool operator==(const Id&) const = default;
  void append_json(std::string& out) const;  // 42, "abc" or null
};

struct ErrorObject {
  int code = 0;
  std::string message;
  std::string data_json;  // raw JSON, empty when absent
};

enum class Kind : uint8_t { request, notification, response };

// One decoded message. The views point into `body`, which the message shares (copies are cheap and
// safe). An escaped method name is unescaped in place in `body`, so `body` holds the bytes
// received except there.
struct Message {
  // Members start from their initialisers only (value-initialising would first zero the whole
  // object, a measurable cost once per message).
  Message() {}  // NOLINT(modernize-use-equals-default)

  Kind kind = Kind::notification;
  Id id;
  std::string_view method;           // requests and notifications
  std::string_view params;           // raw JSON ("" when absent)
  std::string_view result;           // responses: raw JSON ("" when absent)
  std::optional<ErrorObject> error;  // responses
  protocol::SharedBody body;
  // False only from decode(..., ParamsCheck::deferred): `params` may not be JSON at all, and who
  // reads them checks first (params_are_json), or reads them with a parser that accepts
  // nothing but valid JSON.
  bool params_checked = true;
};

// A message that cannot be handled, with the error response it deserves.
struct Invalid {
  Id id;  // null when it could not be read
  ErrorObject error;
};

using Item = std::variant<Message, Invalid>;

struct Decoded {
  bool batch = false;  // the body was a JSON array: reply with an array
  std::vector<Item> items;
};

// Decode one framed body. Never throws; bad JSON, invalid UTF-8, nesting deeper than the limit,
// numbers out of range and wrong shapes become Invalid items with the right code.
Decoded decode(protocol::Body body);
// The same into `out`, which is cleared first and keeps its storage (a session decodes every
// message into one Decoded, so a single message costs no allocation of its own).
void decode(protocol::Body body, Decoded& out);

// Whether decode() checks that a request's params are JSON (UTF-8, syntax, nesting) before it
// returns, or leaves that to whoever reads them: a typed reader whose fast path accepts only valid
// JSON then reads the params once instead of twice (jsonrpc::Dispatcher, lsp::decode_*_params).
enum class ParamsCheck : uint8_t { now, deferred };
void decode(protocol::Body body, Decoded& out, ParamsCheck check);
// Whether a message's params are JSON: true when decode checked them, else checked now. When they
// are not, the message itself is in doubt (decode's fast path took the params' extent on trust):
// jsonrpc::Dispatcher then decodes the body again with the general decoder and answers that.
bool params_are_json(const Message& m);

// Encoders append a complete JSON body to `out`.
void append_request(std::string& out, const Id& id, std::string_view method,
                    std::string_view params_json);
void append_notification(std::string& out, std::string_view method, std::string_view params_json);
void append_result(std::string& out, const Id& id, std::string_view result_json);
// A result response up to its result's value: append the result's JSON, then '}'.
void append_result_head(std::string& out, const Id& id);
void append_error(std::string& out, const Id& id, const ErrorObject& error);

// JSON string escaping for encoders (valid UTF-8 passes through; invalid bytes become U+FFFD).
void append_json_string(std::string& out, std::string_view text);
// The same written at `out`, which has room for json_string_room(text.size()) bytes; returns the
// end of what it wrote.
constexpr std::size_t json_string_room(std::size_t size) {
  return 6 * size + 2;  // every byte escaped in six, and the quotes
}
char* write_json_string(char* out, std::string_view text);
// Strings up to this long are escaped in a buffer on the stack.
inline constexpr std::size_t kShortJsonString = 256;

}  // namespace moonring::jsonrpc
