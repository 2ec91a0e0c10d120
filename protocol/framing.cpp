// The base protocol's framing: a state machine over the bytes received, which finds each header
// without a per-byte call (a direct read of the usual header, memmem otherwise), copies each body
// into its own Body, and resynchronises after bad input.
//
// Received bytes wait in one buffer, compacted when a feed finds it half consumed rather than per
// message; messages are cut from it one per next(), so a single Body is in flight. A body being
// filled, or one whose header starts a read, is copied straight from the read into its Body, so a
// large message is copied once.
// Resync rule: after an error, discard bytes up to the next `Content-Length` (any case) — at a
// line start or straight after garbage, as when a body runs into the next header.
#include "protocol/framing.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace moonring::protocol {
namespace {

constexpr std::string_view kBlankLine = "\r\n\r\n";
constexpr std::string_view kLengthName = "content-length";  // lower case, for the ASCII fold

// A buffer grown past this by one large read gives its memory back once drained.
constexpr std::size_t kKeptBuffer = 1u << 20;

// An oversized body is skipped when its length is plausible (a too-large didOpen), so the stream
// stays in step; a wilder length is more likely corruption, and waiting for it would stall the
// session, so the decoder resynchronises instead.
constexpr std::size_t kSkipFactor = 2;

// ASCII case fold; header names are ASCII tokens.
inline char fold(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}

// Whether the first min(size, name.size()) bytes of `text` match `name` (lower case), any case.
bool prefix_ci(const char* text, std::size_t size, std::string_view name) {
  const std::size_t n = std::min(size, name.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (fold(text[i]) != name[i]) return false;
  }
  return true;
}

bool equals_ci(std::string_view text, std::string_view name) {
  return text.size() == name.size() && prefix_ci(text.data(), text.size(), name);
}

// RFC 7230 `token`: what a header name may be made of. JSON (a body where a header should be)
// never is one, because of its quotes and braces.
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kTokenChar = make_token_table();

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!kTokenChar[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Decimal digits only (no sign, no blanks inside). Saturates at SIZE_MAX, which is over any limit.
bool parse_length(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  std::size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::size_t>(c - '0');
    value = value > (SIZE_MAX - digit) / 10 ? SIZE_MAX : value * 10 + digit;
  }
  out = value;
  return true;
}

// The header every client sends, "Content-Length: N\r\n\r\n", read without a search; false for
// anything else, or a header longer than `max_header` (the general path decides those).
bool canonical_header(const char* data, std::size_t size, std::size_t max_header,
                      std::size_t& header_size, std::size_t& length) {
  constexpr std::string_view kPrefix = "Content-Length: ";
  constexpr std::size_t kMostDigits = 18;  // cannot overflow; longer lengths take the slow path
  if (size < kPrefix.size() + 5 || std::memcmp(data, kPrefix.data(), kPrefix.size()) != 0) {
    return false;
  }
  std::size_t i = kPrefix.size();
  std::size_t n = 0;
  const std::size_t digits_end = std::min(size, kPrefix.size() + kMostDigits);
  while (i < digits_end && data[i] >= '0' && data[i] <= '9') {
    n = n * 10 + static_cast<std::size_t>(data[i++] - '0');
  }
  if (i == kPrefix.size() || size - i < kBlankLine.size() ||
      std::memcmp(data + i, kBlankLine.data(), kBlankLine.size()) != 0 || i > max_header) {
    return false;
  }
  header_size = i;
  length = n;
  return true;
}

// The first `content-length`, any case, in [begin, end), or nullptr.
const char* find_length_name(const char* begin, const char* end) {
  if (end - begin < static_cast<std::ptrdiff_t>(kLengthName.size())) return nullptr;
  const char* last = end - kLengthName.size();
  for (const char* p = begin; p <= last; ++p) {
    if (fold(*p) == 'c' && prefix_ci(p, kLengthName.size(), kLengthName)) return p;
  }
  return nullptr;
}

// Up to 40 bytes of `text` for an error message, quoted, as printable ASCII.
std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 40;
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kShown) out += "...";
  out += '"';
  return out;
}

}  // namespace

FrameDecoder::FrameDecoder(FrameLimits limits) : limits_(limits) {}

void FrameDecoder::feed(std::span<const std::byte> bytes) {
  if (external_size_ > 0) keep_external();  // the last read in place was not drained
  if (begin_ == buffer_.size()) {
    buffer_.clear();
    begin_ = 0;
    if (buffer_.capacity() > kKeptBuffer) buffer_.shrink_to_fit();
  } else if (begin_ >= buffer_.size() / 2) {
    buffer_.erase(0, begin_);  // what is left is less than what was consumed
    begin_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void FrameDecoder::feed_in_place(std::span<const std::byte> bytes) {
  if (external_size_ > 0 || begin_ != buffer_.size()) {
    feed(bytes);  // bytes are pending: these go after them
    return;
  }
  // Nothing pending: next() reads these bytes where they are, so each body is copied once, into
  // its own block; what it cannot finish from them it keeps.
  buffer_.clear();
  begin_ = 0;
  if (buffer_.capacity() > kKeptBuffer) buffer_.shrink_to_fit();
  external_ = reinterpret_cast<const char*>(bytes.data());
  external_size_ = bytes.size();
}

// The bytes fed in place and not yet decoded, copied into the buffer (the caller's are valid
// only until next() returns nullopt or the next feed).
void FrameDecoder::keep_external() {
  buffer_.append(external_, external_size_);
  external_ = nullptr;
  external_size_ = 0;
}

std::optional<FrameEvent> FrameDecoder::next() {
  for (;;) {
    if (!error_.empty()) {
      std::optional<FrameEvent> event(
          FrameEvent{FrameEvent::Kind::error, Body(), std::move(error_)});
      error_.clear();
      return event;
    }
    // The bytes to decode: the buffer's, or (only when it holds none) the caller's last read.
    const bool external = begin_ == buffer_.size() && external_size_ > 0;
    const char* data = external ? external_ : buffer_.data() + begin_;
    const std::size_t size = external ? external_size_ : buffer_.size() - begin_;
    const auto consume = [&](std::size_t n) {
      if (external) {
        external_ += n;
        external_size_ -= n;
      } else {
        begin_ += n;
      }
    };
    if (mode_ == Mode::header) {
      // The usual case first: a whole message with the usual header.
      std::size_t header_size = 0;
      std::size_t length = 0;
      if (canonical_header(data, size, limits_.max_header_bytes, header_size, length) &&
          length > 0 && length <= limits_.max_message_bytes) {
        const std::size_t body_at = header_size + kBlankLine.size();
        if (size - body_at >= length &&
            (length < kLengthName.size() || !prefix_ci(data + body_at, length, kLengthName))) {
          Body body(length);
          std::memcpy(body.data(), data + body_at, length);
          consume(body_at + length);
          header_scanned_ = 0;  // it may have been searched a piece at a time
          return FrameEvent{FrameEvent::Kind::message, std::move(body), {}};
        }
      }
    }
    std::optional<FrameEvent> event;
    const Step step = take(data, size, event);
    consume(step.used);
    if (event) return event;
    if (step.more) {
      if (external) keep_external();
      return std::nullopt;
    }
  }
}

// One step on [data, data + size): how many bytes it consumed, and whether it needs more than
// these to go on. A complete message is left in `event`.
FrameDecoder::Step FrameDecoder::take(const char* data, std::size_t size,
                                      std::optional<FrameEvent>& event) {
  switch (mode_) {
    case Mode::header: {
      if (size == 0) return {0, true};
      const std::size_t used = take_header(data, size);
      return {used, used == 0 && error_.empty() && mode_ == Mode::header};
    }
    case Mode::body: {
      const std::size_t n = std::min(size, body_.size() - filled_);
      std::memcpy(body_.data() + filled_, data, n);
      filled_ += n;
      if (filled_ < body_.size()) return {n, true};
      mode_ = Mode::header;
      filled_ = 0;
      event.emplace(FrameEvent{FrameEvent::Kind::message, std::move(body_), {}});
      body_ = Body();
      return {n, false};
    }
    case Mode::skip: {
      const std::size_t n = std::min(size, skip_left_);
      skip_left_ -= n;
      if (skip_left_ > 0) return {n, true};
      mode_ = Mode::header;
      return {n, false};
    }
    case Mode::resync: {
      const char* hit = find_length_name(data, data + size);
      if (hit == nullptr) {
        // Keep the tail: it may be the start of the name, cut by the end of this read.
        return {size - std::min(size, kLengthName.size() - 1), true};
      }
      mode_ = Mode::header;
      header_scanned_ = 0;
      return {static_cast<std::size_t>(hit - data), false};
    }
  }
  return {0, true};
}

std::size_t FrameDecoder::buffered() const {
  return buffer_.size() - begin_ + external_size_ + (mode_ == Mode::body ? filled_ : 0);
}

FrameDecoder::Partial FrameDecoder::partial() const {
  if (mode_ == Mode::body) return {0, filled_, body_.size()};
  if (mode_ == Mode::header) return {buffer_.size() - begin_ + external_size_, 0, 0};
  return {};  // skipping or resynchronising: already reported as an error
}

// Reports `error` (next() hands it out), consumes `consumed` bytes and resynchronises from there.
std::size_t FrameDecoder::fail(std::string error, std::size_t consumed) {
  error_ = std::move(error);
  mode_ = Mode::resync;
  header_scanned_ = 0;
  return consumed;
}

// header -> (name ":" value "\r\n")* name ":" value "\r\n\r\n"
// One header at the start of [data, data + size): the bytes it consumed (the header, or what an
// error discards), or 0 when more bytes are needed to decide.
std::size_t FrameDecoder::take_header(const char* data, std::size_t size) {
  std::size_t header_size = 0;
  std::size_t length = 0;
  if (!canonical_header(data, size, limits_.max_header_bytes, header_size, length)) {
    const std::size_t longest = limits_.max_header_bytes + kBlankLine.size();
    const std::size_t window = std::min(size, longest);
    // Bytes already searched need not be searched again (a header fed a byte at a time).
    const std::size_t from = header_scanned_ > 3 ? header_scanned_ - 3 : 0;
    const void* hit =
        from < window ? memmem(data + from, window - from, kBlankLine.data(), 4) : nullptr;
    if (hit == nullptr) {
      if (window < longest) {
        header_scanned_ = window;
        return 0;
      }
      return fail("bad header: no blank line within " + std::to_string(limits_.max_header_bytes) +
                      " bytes: " + quoted({data, window}),
                  1);
    }
    header_size = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    header_scanned_ = header_size;
    if (const std::size_t discard = parse_fields({data, header_size}, length)) {
      return discard;
    }
  }

  const std::size_t body_at = header_size + kBlankLine.size();
  if (length > limits_.max_message_bytes) {
    std::string error = "message too large: " + std::to_string(length) + " bytes, the limit is " +
                        std::to_string(limits_.max_message_bytes);
    if (length / kSkipFactor > limits_.max_message_bytes) {
      return fail(std::move(error) + "; resynchronising", body_at);
    }
    fail(std::move(error) + "; skipping its body", 0);
    mode_ = Mode::skip;
    skip_left_ = length;
    return body_at;
  }

  // A missing body: the next header follows the blank line. JSON never starts with a letter, so
  // this waits for more bytes only when the body's first bytes could be that header.
  if (length >= kLengthName.size()) {
    const std::size_t seen = std::min(size - body_at, kLengthName.size());
    if (prefix_ci(data + body_at, seen, kLengthName)) {
      if (seen < kLengthName.size()) return 0;
      return fail("missing body: a header follows the header of a " + std::to_string(length) +
                      "-byte message",
                  body_at);
    }
  }

  header_scanned_ = 0;
  body_ = Body(length);
  filled_ = 0;
  mode_ = Mode::body;
  return body_at;
}

// The fields of a header (without its blank line): sets `length`, or reports what is wrong and
// returns the bytes to discard. A line that is no header may be where the next message starts
// (garbage, or a body that ran into the next header): resync from just after its first byte. A
// header that is well formed but wrong is discarded whole.
std::size_t FrameDecoder::parse_fields(std::string_view header, std::size_t& length) {
  const std::size_t whole = header.size() + kBlankLine.size();
  bool have_length = false;
  std::string_view rest = header;
  for (;;) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail("bad header: expected \"Name: value\", got " + quoted(line),
                  static_cast<std::size_t>(line.data() - header.data()) + 1);
    }
    if (equals_ci(line.substr(0, colon), kLengthName)) {
      const std::string_view value = trim_blanks(line.substr(colon + 1));
      std::size_t n = 0;
      if (!parse_length(value, n)) {
        return fail("bad header: Content-Length is not a number: " + quoted(value), whole);
      }
      if (have_length && n != length) {
        return fail("bad header: two Content-Length values, " + std::to_string(length) + " and " +
                        std::to_string(n),
                    whole);
      }
      have_length = true;
      length = n;
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 2);
  }
  if (!have_length) return fail("bad header: no Content-Length in " + quoted(header), whole);
  return 0;
}

void append_frame(std::string& out, std::string_view body) {
  constexpr std::string_view kName = "Content-Length: ";
  char digits[24];
  const auto number = std::to_chars(digits, digits + sizeof digits, body.size());
  const auto digits_size = static_cast<std::size_t>(number.ptr - digits);
  // Sized once, then filled: this runs once per message sent.
  const std::size_t at = out.size();
  out.resize(at + kName.size() + digits_size + kBlankLine.size() + body.size());
  char* p = out.data() + at;
  p = std::copy(kName.begin(), kName.end(), p);
  p = std::copy(digits, number.ptr, p);
  p = std::copy(kBlankLine.begin(), kBlankLine.end(), p);
  std::copy(body.begin(), body.end(), p);
}

}  // namespace moonring::protocol
