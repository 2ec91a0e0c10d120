// Incremental reader of a JSON-RPC server's output for the jsonrpc load client: splits the byte
// stream into Content-Length frames and pulls out each response's id with a substring search.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace moonring::bench {

class ResponseReader {
 public:
  ResponseReader() : buffer_(1 << 20) {}

  // Where the next read() should put its bytes (at least `min_free` of them); call commit(n) after.
  char* space(std::size_t min_free = 64 * 1024) {
    if (begin_ > 0 && buffer_.size() - end_ < min_free) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() - end_ < min_free) buffer_.resize(end_ + min_free);
    return buffer_.data() + end_;
  }
  std::size_t space_size() const { return buffer_.size() - end_; }
  void commit(std::size_t n) { end_ += n; }

  // The next complete message body, or nullopt until more bytes arrive. Sets failed() on a frame
  // without a Content-Length header.
  std::optional<std::string_view> next() {
    const std::string_view data(buffer_.data() + begin_, end_ - begin_);
    if (body_size_ < 0) {
      const auto header_end = data.find("\r\n\r\n");
      if (header_end == std::string_view::npos) return std::nullopt;
      body_size_ = content_length(data.substr(0, header_end + 2));
      if (body_size_ < 0) {
        failed_ = true;
        return std::nullopt;
      }
      begin_ += header_end + 4;
      return next();
    }
    const auto size = static_cast<std::size_t>(body_size_);
    if (data.size() < size) return std::nullopt;
    begin_ += size;
    body_size_ = -1;
    return data.substr(0, size);
  }

  bool failed() const { return failed_; }

  // The integer after the first "id": in `body`, or nullopt if there is none (or it is null).
  static std::optional<std::uint64_t> id_of(std::string_view body) {
    auto at = body.find("\"id\"");
    if (at == std::string_view::npos) return std::nullopt;
    at += 4;
    while (at < body.size() && (body[at] == ' ' || body[at] == ':')) ++at;
    if (at >= body.size() || !std::isdigit(static_cast<unsigned char>(body[at])))
      return std::nullopt;
    std::uint64_t id = 0;
    while (at < body.size() && std::isdigit(static_cast<unsigned char>(body[at]))) {
      id = id * 10 + static_cast<std::uint64_t>(body[at++] - '0');
    }
    return id;
  }

 private:
  // The Content-Length value in a header block (each line ending in CRLF), or -1.
  static long content_length(std::string_view headers) {
    constexpr std::string_view kName = "content-length:";
    while (!headers.empty()) {
      const auto eol = headers.find("\r\n");
      const auto line = headers.substr(0, eol);
      headers.remove_prefix(eol + 2);
      if (line.size() <= kName.size()) continue;
      const bool match = std::equal(kName.begin(), kName.end(), line.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      });
      if (!match) continue;
      long value = -1;
      for (const char c : line.substr(kName.size())) {
        if (c == ' ' || c == '\t') continue;
        if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
        value = (value < 0 ? 0 : value * 10) + (c - '0');
      }
      return value;
    }
    return -1;
  }

  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  long body_size_ = -1;
  bool failed_ = false;
};

}  // namespace moonring::bench
