// The bytes the echo load generator sends per request; a correct server echoes exactly these back.
#pragma once

#include <string>
#include <string_view>

#include "bench/echo/echo_mode.hpp"
#include "bench/echo/frame_header.hpp"

namespace moonring::bench {

// A realistic LSP hover request, 200 bytes so frames have a constant size.
inline constexpr std::string_view kHoverRequestBody =
    R"({"jsonrpc":"2.0","id":100042,"method":"textDocument/hover","params":{"textDocument":)"
    R"({"uri":"file:///home/user/projects/moonring-demo/src/editor/main_view.lua"},)"
    R"("position":{"line":142,"character":17}}})";
static_assert(kHoverRequestBody.size() == 200);

inline constexpr std::string_view kRawMessage =
    "moonring echo bench raw message, sixty-four bytes long: 0123456\n";
static_assert(kRawMessage.size() == 64);

// One request on the wire. In framed mode the server's reply is byte-identical (same header
// spelling), so replies are checked by comparing them with the request.
inline std::string request_bytes(EchoMode mode) {
  if (mode == EchoMode::kRaw) return std::string(kRawMessage);
  std::string frame;
  append_frame_header(frame, kHoverRequestBody.size());
  frame.append(kHoverRequestBody);
  return frame;
}

}  // namespace moonring::bench
