// JSON string escaping for the encoders: quotes, backslashes and control characters escaped, valid
// UTF-8 copied unchanged, each invalid sequence replaced by U+FFFD, so the output is always valid
// JSON in valid UTF-8 whatever bytes come in (file contents, paths, Lua strings).
#include <array>
#include <cstdint>
#include <cstring>

#include "protocol/json_scan.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace moonring::jsonrpc {
namespace {

// Printable ASCII other than '"' and '\\': copied in runs, with no per-byte work beyond this
// look-up.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlain = make_plain_table();

struct Utf8Sequence {
  std::size_t length;  // bytes it covers: the whole sequence, or its longest valid prefix
  bool valid;
};

// The UTF-8 sequence starting at a byte >= 0x80 (Unicode 15, table 3-7: no overlong forms, no
// surrogates, nothing past U+10FFFF). An invalid one covers its maximal valid prefix (at least one
// byte), which becomes one U+FFFD, as the Unicode standard recommends.
Utf8Sequence utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char lead = *p;
  std::size_t trailing = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trailing = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trailing = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {1, false};
  }
  for (std::size_t i = 1; i <= trailing; ++i) {
    if (p + i == end || p[i] < low || p[i] > high) return {i, false};
    low = 0x80;
    high = 0xBF;
  }
  return {trailing + 1, true};
}

// Where escaped text goes: a std::string (any length), or a buffer known to be large enough.
struct StringSink {
  std::string& out;
  void append(const char* text, std::size_t n) { out.append(text, n); }
  void put(char c) { out += c; }
};
struct BufferSink {
  char* p;
  void append(const char* text, std::size_t n) {
    std::memcpy(p, text, n);
    p += n;
  }
  void put(char c) { *p++ = c; }
};

template <typename Sink>
void escape(Sink& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;  // start of the bytes copied unchanged
  const auto flush = [&] {
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
  };
  out.put('"');
  while (p < end) {
    const unsigned char c = *p;
    if (kPlain[c]) {
      // A run of plain ASCII, eight bytes at a time.
      p = reinterpret_cast<const unsigned char*>(protocol::json::skip_plain(
          text.data(), reinterpret_cast<const char*>(p + 1), reinterpret_cast<const char*>(end)));
      continue;
    }
    if (c >= 0x80) {
      const Utf8Sequence sequence = utf8_sequence(p, end);
      if (sequence.valid) {
        p += sequence.length;
        continue;
      }
      flush();
      out.append("\xEF\xBF\xBD", 3);  // U+FFFD
      p += sequence.length;
      run = p;
      continue;
    }
    flush();
    if (c == '"' || c == '\\') {
      const char escaped[2] = {'\\', static_cast<char>(c)};
      out.append(escaped, 2);
    } else if (c == '\n') {  // the short forms of the usual control characters
      out.append("\\n", 2);
    } else if (c == '\t') {
      out.append("\\t", 2);
    } else if (c == '\r') {
      out.append("\\r", 2);
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(escape, sizeof escape);
    }
    ++p;
    run = p;
  }
  flush();
  out.put('"');
}

}  // namespace

char* write_json_string(char* out, std::string_view text) {
  BufferSink sink{out};
  escape(sink, text);
  return sink.p;
}

void append_json_string(std::string& out, std::string_view text) {
  // A short string is escaped into a buffer and appended once (this runs for most strings of
  // most replies); a long one straight into `out`, run by run.
  if (text.size() <= kShortJsonString) {
    char buffer[json_string_room(kShortJsonString)];
    out.append(buffer, write_json_string(buffer, text));
    return;
  }
  StringSink sink{out};
  escape(sink, text);
}

}  // namespace moonring::jsonrpc
