// Word-at-a-time scans over JSON string contents (private to protocol/): eight bytes per step
// for the runs of plain ASCII that make up most keys, method names, URIs and messages.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace moonring::protocol::json {

namespace scan_detail {
inline constexpr uint64_t kOnes = 0x0101010101010101u;
inline constexpr uint64_t kHighs = 0x8080808080808080u;

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
// Non-zero when some byte of `w` is zero.
inline uint64_t has_zero(uint64_t w) {
  return (w - kOnes) & ~w & kHighs;
}
}  // namespace scan_detail

// Non-zero when one of the 8 bytes at `p` needs a closer look inside a JSON string: a control
// character, '"', '\\', or a byte of a multi-byte UTF-8 sequence (>= 0x80).
inline uint64_t unusual8(const char* p) {
  using namespace scan_detail;
  const uint64_t w = load8(p);
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHighs;  // some byte < 0x20 (or >= 0x80)
  return control | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | (w & kHighs);
}

// The first byte in [p, end) that needs a closer look (as unusual8 says), or end; a byte after a
// special one may be reported too (the word arithmetic borrows), so callers check the byte they
// get. Bytes from `begin` on are readable: a tail shorter than a word is read as the word that
// ends at `end` when it fits after `begin`.
inline const char* skip_plain(const char* begin, const char* p, const char* end) {
  while (end - p >= 8) {
    if (const uint64_t found = unusual8(p)) return p + __builtin_ctzll(found) / 8;
    p += 8;
  }
  if (p == end) return end;
  if (end - begin >= 8) {
    const char* word = end - 8;
    const auto skipped = static_cast<unsigned>(p - word);  // bytes before p, already seen
    const uint64_t found = unusual8(word) & (~uint64_t{0} << (8 * skipped));
    return found != 0 ? word + __builtin_ctzll(found) / 8 : end;
  }
  while (p < end) {
    const auto byte = static_cast<unsigned char>(*p);
    if (byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x80) break;
    ++p;
  }
  return p;
}

// A JSON string's contents from `p` up to its closing quote when they hold no escape and no
// control character and are valid UTF-8: sets `out`, moves `p` past the quote, true. False
// otherwise (the caller's general path decides), `p` unchanged.
inline bool take_plain_string(const char*& p, const char* end, std::string_view& out) {
  const char* stop = skip_plain(p, p, end);
  if (stop == end) return false;
  if (*stop != '"') {
    const auto* quote = static_cast<const char*>(std::memchr(stop, '"', end - stop));
    if (quote == nullptr) return false;
    for (const char* q = stop; q < quote; ++q) {
      const auto byte = static_cast<unsigned char>(*q);
      if (byte < 0x20 || byte == '\\') return false;
    }
    if (!simdjson::validate_utf8(p, static_cast<std::size_t>(quote - p))) return false;
    stop = quote;
  }
  out = {p, static_cast<std::size_t>(stop - p)};
  p = stop + 1;
  return true;
}

// Reads through a JSON text literal by literal: the fast paths that recognise the usual shape of
// a message and leave anything else to the general (simdjson) path.
struct Cursor {
  const char* p;
  const char* end;

  bool take(std::string_view literal) {
    if (static_cast<std::size_t>(end - p) < literal.size() ||
        std::memcmp(p, literal.data(), literal.size()) != 0) {
      return false;
    }
    p += literal.size();
    return true;
  }
  // A string without escapes, in valid UTF-8, up to its closing quote.
  bool take_plain_string(std::string_view& out) { return json::take_plain_string(p, end, out); }
};

}  // namespace moonring::protocol::json
