// The jsonrpc bench's messages, generated deterministically: LSP-shaped JSON-RPC requests and
// notifications (hover, a didChange with a 2 KB edit, a 200-item completion list, a 50 KB
// publishDiagnostics) framed with Content-Length. No params contain an "id", "result" or "error"
// key, so the load client can find a response's id and result with a substring search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace moonring::bench {

// JSON string contents (without quotes) for `text`: escapes quotes, backslashes and newlines.
inline std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

inline constexpr std::string_view kUri = "file:///home/user/project/src/lang/lua/checker.lua";

// textDocument/hover params; the framed request's body is about 186 bytes.
inline std::string hover_params() {
  return std::string(R"({"textDocument":{"uri":")") + std::string(kUri) +
         R"("},"position":{"line":120,"character":17}})";
}

// Lua source of `bytes` bytes, lines like `local value_12 = compute(12, "name_12") + 3`.
inline std::string lua_text(std::size_t bytes) {
  std::string text;
  for (int i = 0; text.size() < bytes; ++i) {
    const auto n = std::to_string(i);
    text += "local value_" + n + " = compute(" + n + ", \"name_" + n + "\") + 3\n";
  }
  text.resize(bytes);
  return text;
}

// textDocument/didChange params replacing two lines with a 2 KB edit.
inline std::string didchange_params() {
  return std::string(R"({"textDocument":{"uri":")") + std::string(kUri) +
         R"(","version":42},"contentChanges":[{"range":{"start":{"line":10,"character":0},)" +
         R"("end":{"line":12,"character":0}},"text":")" + json_escape(lua_text(2048)) + "\"}]}";
}

// A 200-item CompletionList (the echo of it is a 200-item completion response).
inline std::string completion_params() {
  std::string out = R"({"isIncomplete":false,"items":[)";
  for (int i = 0; i < 200; ++i) {
    const auto n = std::to_string(i);
    if (i > 0) out += ',';
    out +=
        R"({"label":"value_)" + n + R"(","kind":6,"detail":"local value_)" + n +
        R"(: integer","documentation":{"kind":"markdown","value":"Declared in `checker.lua` line )" +
        n + R"(."},"sortText":")" + std::string(4 - n.size(), '0') + n +
        R"(","insertText":"value_)" + n + R"("})";
  }
  return out + "]}";
}

// publishDiagnostics params of at least 50 KB (warnings on consecutive lines).
inline std::string diagnostics_params() {
  std::string out = R"({"uri":")" + std::string(kUri) + R"(","version":42,"diagnostics":[)";
  for (int i = 0; out.size() < 50 * 1024; ++i) {
    const auto n = std::to_string(i);
    if (i > 0) out += ',';
    out += R"({"range":{"start":{"line":)" + n + R"(,"character":6},"end":{"line":)" + n +
           R"(,"character":14}},"severity":2,"code":"unused-local","source":"moonring",)" +
           R"("message":"unused local variable 'value_)" + n + R"('"})";
  }
  return out + "]}";
}

// Appends one framed JSON-RPC request (id != 0) or notification (id == 0) to `out`.
inline void append_message(std::string& out, std::uint64_t id, std::string_view method,
                           std::string_view params) {
  std::string head = R"({"jsonrpc":"2.0",)";
  if (id != 0) head += R"("id":)" + std::to_string(id) + ',';
  head += R"("method":")";
  const std::size_t length = head.size() + method.size() + 11 + params.size() + 1;
  out += "Content-Length: ";
  out += std::to_string(length);
  out += "\r\n\r\n";
  out += head;
  out += method;
  out += R"(","params":)";
  out += params;
  out += '}';
}

}  // namespace moonring::bench
