// The base protocol's framing, shared by LSP and DAP: `Content-Length: N\r\n` (and optionally
// `Content-Type: ...\r\n`, header names in any case, in any order), a blank line, N bytes of body.
// The decoder works on partial reads and copies each body once, into its own padded Body.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/body.hpp"

namespace moonring::protocol {

struct FrameLimits {
  std::size_t max_message_bytes = 256u << 20;  // a didOpen of a 20 MB file is legitimate
  std::size_t max_header_bytes = 16u << 10;
};

struct FrameEvent {
  enum class Kind { message, error };
  Kind kind;
  Body body;          // kind == message
  std::string error;  // kind == error: what was wrong, for stderr ("bad header: ...")
};

class FrameDecoder {
 public:
  explicit FrameDecoder(FrameLimits limits = {});

  // Hand over received bytes (any split: a message may arrive a byte at a time, or several in one
  // read). They are copied.
  void feed(std::span<const std::byte> bytes);
  // The same without the copy, for a reader that drains each read: the bytes are decoded where
  // they are, so they must stay valid until next() returns nullopt or the next feed, whichever
  // comes first (the decoder keeps what it has not decoded by then). Each body is then copied
  // once, from the read into its block.
  void feed_in_place(std::span<const std::byte> bytes);
  void feed(std::string_view bytes) { feed(std::as_bytes(std::span(bytes.data(), bytes.size()))); }

  // The next complete message, or an error after which the decoder has resynchronised on the
  // next header it can find (garbage between messages, a bad or oversized header, a length over
  // the limit whose body is skipped); nullopt when more bytes are needed.
  std::optional<FrameEvent> next();

  // Bytes held that do not yet form a message.
  std::size_t buffered() const;

  // The message under way, for a reader whose input ends (all zero between messages): the
  // bytes of its header so far, or of its body so far and the body's length.
  struct Partial {
    std::size_t header_bytes = 0;
    std::size_t body_bytes = 0;
    std::size_t body_length = 0;
  };
  Partial partial() const;

 private:
  enum class Mode : unsigned char { header, body, skip, resync };
  struct Step {
    std::size_t used;
    bool more;  // needs bytes beyond those it was given
  };

  void keep_external();
  Step take(const char* data, std::size_t size, std::optional<FrameEvent>& event);
  std::size_t take_header(const char* data, std::size_t size);
  std::size_t parse_fields(std::string_view header, std::size_t& length);
  std::size_t fail(std::string error, std::size_t consumed);

  FrameLimits limits_;
  Mode mode_ = Mode::header;
  std::string buffer_;  // bytes received and not yet decoded, from begin_
  std::size_t begin_ = 0;
  std::size_t header_scanned_ = 0;  // bytes of the pending header known to hold no blank line
  Body body_;                       // Mode::body: the message being filled
  std::size_t filled_ = 0;
  std::size_t skip_left_ = 0;  // Mode::skip: bytes of an oversized body still to discard
  std::string error_;          // an error next() has yet to hand out
  // The last read fed in place, decoded there while the buffer holds nothing.
  const char* external_ = nullptr;
  std::size_t external_size_ = 0;
};

// "Content-Length: N\r\n\r\n" followed by `body`, appended to `out`.
void append_frame(std::string& out, std::string_view body);

}  // namespace moonring::protocol
