// ReportOut: the buffer the report writers share, and its two escapes (JSON, terminal).
#include <charconv>

#include "app/check/report.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "workspace/documents/utf8.hpp"

namespace moonring::app {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

ReportOut& ReportOut::operator<<(std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  return *this << std::string_view(digits, static_cast<std::size_t>(end - digits));
}

void ReportOut::json_string(std::string_view text) {
  jsonrpc::append_json_string(buffer_, text);
  if (buffer_.size() >= kFlushAt) flush();
}

void ReportOut::terminal_text(std::string_view text) {
  append_terminal_text(buffer_, text);
  if (buffer_.size() >= kFlushAt) flush();
}

void append_terminal_text(std::string& out, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  const auto escape = [&out](unsigned char c) {
    const char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    out.append(escaped, sizeof escaped);
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7F) {
      const auto* printable = p + 1;  // the run of printable ASCII, appended at once
      while (printable < end && *printable >= 0x20 && *printable < 0x7F) ++printable;
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(printable - p));
      p = printable;
    } else if (c < 0x80) {
      escape(c);
      ++p;
    } else {
      const std::uint32_t length = workspace::utf8::unit_length(p, end);
      // Invalid UTF-8, or U+0080..U+009F (C1 controls, CSI among them): escaped byte by byte.
      if (length == 1 || (c == 0xC2 && p[1] < 0xA0)) {
        for (std::uint32_t i = 0; i < length; ++i) escape(p[i]);
      } else {
        out.append(reinterpret_cast<const char*>(p), length);
      }
      p += length;
    }
  }
}

void ReportOut::flush() {
  if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
  buffer_.clear();
}

}  // namespace moonring::app
