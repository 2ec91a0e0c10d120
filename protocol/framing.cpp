// The base protocol's framing: a state machine that finds each header with memmem, copies each body
// straight from the caller's bytes into its own Body, and resynchronises after bad input.
//
// Bytes are decoded as they are fed; only an unfinished header (at most one header long) waits in
// the stash, so a message that arrives whole is copied exactly once and nothing is compacted.
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

// An oversized body is skipped when its length is plausible (a too-large didOpen), so the stream
// stays in step; a wilder length is more likely corruption, and waiting for it would stall the
// session, so the decoder resynchronises instead.
constexpr std::size_t kSkipFactor = 2;

// ASCII case fold; header names are ASCII tokens.
inline char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

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
  const char* data = reinterpret_cast<const char*>(bytes.data());
  std::size_t size = bytes.size();
  // An unfinished header continues in the stash until it resolves. Each round adds a bounded
  // chunk (a header, its blank line, and the few body bytes take_header may look at), so the
  // stash stays about one header long and the rest of a large read is not copied twice.
  const std::size_t chunk = limits_.max_header_bytes + kBlankLine.size() + kLengthName.size();
  while (!stash_.empty() && size > 0) {
    const std::size_t n = std::min(size, chunk);
    stash_.append(data, n);
    data += n;
    size -= n;
    stash_.erase(0, process(stash_.data(), stash_.size()));
  }
  if (size > 0) {
    const std::size_t used = process(data, size);
    stash_.assign(data + used, size - used);
  }
}

std::optional<FrameEvent> FrameDecoder::next() {
  if (next_event_ == events_.size()) return std::nullopt;
  std::optional<FrameEvent> event(std::move(events_[next_event_++]));
  if (next_event_ == events_.size()) {  // drained: reuse the vector's storage
    events_.clear();
    next_event_ = 0;
  }
  return event;
}

std::size_t FrameDecoder::buffered() const {
  return stash_.size() + (mode_ == Mode::body ? filled_ : 0);
}

// Decodes what it can of [data, data + size); returns how many bytes it consumed. What is left
// is an unfinished header (from its first byte) or a resync tail the caller must keep.
std::size_t FrameDecoder::process(const char* data, std::size_t size) {
  std::size_t pos = 0;
  while (pos < size) {
    switch (mode_) {
      case Mode::header: {
        const std::size_t used = take_header(data + pos, size - pos);
        if (used == 0) return pos;
        pos += used;
        break;
      }
      case Mode::body: {
        const std::size_t n = std::min(size - pos, body_.size() - filled_);
        std::memcpy(body_.data() + filled_, data + pos, n);
        filled_ += n;
        pos += n;
        if (filled_ == body_.size()) {
          events_.push_back(FrameEvent{FrameEvent::Kind::message, std::move(body_), {}});
          body_ = Body();
          filled_ = 0;
          mode_ = Mode::header;
        }
        break;
      }
      case Mode::skip: {
        const std::size_t n = std::min(size - pos, skip_left_);
        skip_left_ -= n;
        pos += n;
        if (skip_left_ == 0) mode_ = Mode::header;
        break;
      }
      case Mode::resync: {
        const char* hit = find_length_name(data + pos, data + size);
        if (hit == nullptr) {
          // Keep the tail: it may be the start of the name, cut by the end of this read.
          return size - std::min(size - pos, kLengthName.size() - 1);
        }
        pos = static_cast<std::size_t>(hit - data);
        mode_ = Mode::header;
        break;
      }
    }
  }
  return pos;
}

// Reports `error`, consumes `consumed` bytes and resynchronises from there.
std::size_t FrameDecoder::fail(std::string error, std::size_t consumed) {
  events_.push_back(FrameEvent{FrameEvent::Kind::error, Body(), std::move(error)});
  mode_ = Mode::resync;
  header_scanned_ = 0;
  return consumed;
}

// header -> (name ":" value "\r\n")* name ":" value "\r\n\r\n"
// One header at the start of [data, data + size): the bytes it consumed (the header, or what an
// error discards), or 0 when more bytes are needed to decide.
std::size_t FrameDecoder::take_header(const char* data, std::size_t size) {
  const std::size_t longest = limits_.max_header_bytes + kBlankLine.size();
  const std::size_t window = std::min(size, longest);
  // Bytes already searched need not be searched again (a header fed a byte at a time).
  const std::size_t from = header_scanned_ > 3 ? header_scanned_ - 3 : 0;
  const void* hit = from < window ? memmem(data + from, window - from, kBlankLine.data(), 4) : nullptr;
  if (hit == nullptr) {
    if (window < longest) {
      header_scanned_ = window;
      return 0;
    }
    return fail("bad header: no blank line within " + std::to_string(limits_.max_header_bytes) +
                    " bytes: " + quoted({data, window}),
                1);
  }
  const auto header_size = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
  const std::size_t body_at = header_size + kBlankLine.size();
  header_scanned_ = header_size;
  // A line that is no header may be where the next message starts (garbage, or a body that ran
  // into the next header): resync from just after its first byte. A header that is well formed
  // but wrong is discarded whole.

  bool have_length = false;
  std::size_t length = 0;
  std::string_view rest(data, header_size);
  for (;;) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail("bad header: expected \"Name: value\", got " + quoted(line),
                  static_cast<std::size_t>(line.data() - data) + 1);
    }
    if (equals_ci(line.substr(0, colon), kLengthName)) {
      const std::string_view value = trim_blanks(line.substr(colon + 1));
      std::size_t n = 0;
      if (!parse_length(value, n)) {
        return fail("bad header: Content-Length is not a number: " + quoted(value), body_at);
      }
      if (have_length && n != length) {
        return fail("bad header: two Content-Length values, " + std::to_string(length) + " and " +
                        std::to_string(n),
                    body_at);
      }
      have_length = true;
      length = n;
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 2);
  }
  if (!have_length) {
    return fail("bad header: no Content-Length in " + quoted({data, header_size}), body_at);
  }

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
  if (length == 0) {
    events_.push_back(FrameEvent{FrameEvent::Kind::message, Body(0), {}});
    return body_at;
  }
  body_ = Body(length);
  filled_ = 0;
  mode_ = Mode::body;
  return body_at;
}

void append_frame(std::string& out, std::string_view body) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
  out.append("Content-Length: ");
  out.append(digits, end);
  out.append(kBlankLine);
  out.append(body);
}

}  // namespace moonring::protocol
