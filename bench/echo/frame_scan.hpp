// LSP base-protocol frame scanner shared by the echo bench servers: finds the next complete frame.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace moonring::bench {

enum class FrameStatus { kFrame, kNeedMore, kBadHeader };

struct FrameScan {
  FrameStatus status = FrameStatus::kNeedMore;
  std::size_t body_offset = 0;  // from the start of the scanned span
  std::size_t body_length = 0;
  std::size_t consumed = 0;  // header + body; only meaningful for kFrame
};

// Bounds so a peer cannot make a server buffer without limit.
inline constexpr std::size_t kMaxFrameHeaderBytes = 8 * 1024;
inline constexpr std::size_t kMaxFrameBodyBytes = 64 * 1024 * 1024;

namespace detail {

inline bool equals_ascii_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Strict decimal parse: digits only, bounded by kMaxFrameBodyBytes.
inline bool parse_length(std::string_view s, std::size_t& out) {
  if (s.empty()) return false;
  std::size_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::size_t>(c - '0');
    if (value > kMaxFrameBodyBytes) return false;
  }
  out = value;
  return true;
}

}  // namespace detail

// Looks for one frame at the start of `bytes`: header lines ending in an empty line, one of them
// `Content-Length: N` (name case-insensitive; other headers are ignored), then N body bytes.
inline FrameScan scan_frame(std::span<const char> bytes) {
  const std::string_view text(bytes.data(), bytes.size());
  const std::size_t header_end = text.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    // Without the terminator yet, only an overlong header is an error.
    return {text.size() > kMaxFrameHeaderBytes ? FrameStatus::kBadHeader : FrameStatus::kNeedMore};
  }
  if (header_end > kMaxFrameHeaderBytes) return {FrameStatus::kBadHeader};

  std::string_view headers = text.substr(0, header_end);
  bool have_length = false;
  std::size_t length = 0;
  while (!headers.empty()) {
    const std::size_t eol = headers.find("\r\n");
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return {FrameStatus::kBadHeader};
    if (!detail::equals_ascii_lower(detail::trim_blanks(line.substr(0, colon)), "content-length")) {
      continue;
    }
    std::size_t value = 0;
    if (!detail::parse_length(detail::trim_blanks(line.substr(colon + 1)), value)) {
      return {FrameStatus::kBadHeader};
    }
    // A repeated header is only tolerated when it agrees, so the frame boundary is unambiguous.
    if (have_length && value != length) return {FrameStatus::kBadHeader};
    have_length = true;
    length = value;
  }
  if (!have_length) return {FrameStatus::kBadHeader};

  const std::size_t body_offset = header_end + 4;
  FrameScan scan{FrameStatus::kNeedMore, body_offset, length, body_offset + length};
  if (text.size() - body_offset >= length) scan.status = FrameStatus::kFrame;
  return scan;
}

}  // namespace moonring::bench
