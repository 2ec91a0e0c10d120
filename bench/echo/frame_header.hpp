// Writes the `Content-Length: N\r\n\r\n` header that precedes every LSP frame the echo bench sends.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstring>
#include <string>

namespace moonring::bench {

// "Content-Length: " + 20 digits + "\r\n\r\n" fits comfortably.
inline constexpr std::size_t kFrameHeaderCapacity = 48;

// Writes the header into `out` (at least kFrameHeaderCapacity bytes); returns its length.
inline std::size_t write_frame_header(char* out, std::size_t body_length) {
  static constexpr char kPrefix[] = "Content-Length: ";
  constexpr std::size_t kPrefixLength = sizeof(kPrefix) - 1;
  std::memcpy(out, kPrefix, kPrefixLength);
  char* end = std::to_chars(out + kPrefixLength, out + kFrameHeaderCapacity - 4, body_length).ptr;
  std::memcpy(end, "\r\n\r\n", 4);
  return static_cast<std::size_t>(end + 4 - out);
}

inline void append_frame_header(std::string& out, std::size_t body_length) {
  char header[kFrameHeaderCapacity];
  out.append(header, write_frame_header(header, body_length));
}

}  // namespace moonring::bench
