// ReportOut: the buffer the report writers share, and its two escapes (JSON, terminal).
#include <algorithm>
#include <cstring>
#include <memory>

#include "app/check/report.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "workspace/documents/utf8.hpp"

namespace moonring::app {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

void ReportBuffer::grow(std::size_t n) {
  const std::size_t size = data_ ? this->size() : 0;
  const std::size_t capacity =
      std::max({2 * static_cast<std::size_t>(limit_ - data_.get()), size + n, std::size_t{4096}});
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  if (size != 0) std::memcpy(data.get(), data_.get(), size);
  data_ = std::move(data);
  end_ = data_.get() + size;
  limit_ = data_.get() + capacity;
}

void ReportOut::json_string(std::string_view text) {
  char* p = buffer_.room(jsonrpc::json_string_room(text.size()));
  buffer_.commit(jsonrpc::write_json_string(p, text));
  flushed();
}

void RoomWriter::json_string(std::string_view text) {
  p = jsonrpc::write_json_string(p, text);
}

void ReportOut::terminal_text(std::string_view text) {
  char* p = buffer_.room(terminal_text_room(text.size()));
  buffer_.commit(write_terminal_text(p, text));
  flushed();
}

void append_terminal_text(std::string& out, std::string_view text) {
  const std::size_t size = out.size();
  out.resize(size + terminal_text_room(text.size()));
  out.resize(static_cast<std::size_t>(write_terminal_text(out.data() + size, text) - out.data()));
}

char* write_terminal_text(char* out, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  const auto escape = [&out](unsigned char c) {
    *out++ = '\\';
    *out++ = 'x';
    *out++ = kHex[c >> 4];
    *out++ = kHex[c & 15];
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7F) {
      const auto* printable = p + 1;  // the run of printable ASCII, copied at once
      while (printable < end && *printable >= 0x20 && *printable < 0x7F) ++printable;
      const auto n = static_cast<std::size_t>(printable - p);
      std::memcpy(out, p, n);
      out += n;
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
        std::memcpy(out, p, length);
        out += length;
      }
      p += length;
    }
  }
  return out;
}

void ReportOut::flush() {
  if (out_ == nullptr) return;
  if (buffer_.size() != 0) std::fwrite(buffer_.view().data(), 1, buffer_.size(), out_);
  buffer_.clear();
}

}  // namespace moonring::app
