// The one UTF-8 decoding rule every position conversion uses, in both directions.
//
// A well-formed sequence (RFC 3629: no overlong forms, no surrogates U+D800..U+DFFF, nothing
// above U+10FFFF) is one code point: 1 UTF-32 unit, 1 UTF-16 unit (2 when it is 4 bytes long,
// a surrogate pair) and as many UTF-8 units as it has bytes. Any other byte -- a lone
// continuation byte, the lead byte of a truncated or ill-formed sequence, C0, C1, F5..FF -- is
// one code point U+FFFD on its own: 1 UTF-32 unit, 1 UTF-16 unit, 1 UTF-8 unit (the byte), and
// decoding goes on at the next byte. The rule looks at no byte before the one it decodes, and
// \r and \n are never part of a sequence, so each line decodes on its own and a conversion can
// never desynchronise, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace moonring::workspace::utf8 {

inline bool is_continuation(unsigned char byte) noexcept {
  return (byte & 0xC0) == 0x80;
}

// Byte length (1..4) of the code point that starts at p (p < end) under the rule above.
inline uint32_t unit_length(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned b = p[0];
  if (b < 0x80) return 1;
  const size_t avail = static_cast<size_t>(end - p);
  if (b >= 0xC2 && b <= 0xDF) return avail >= 2 && is_continuation(p[1]) ? 2 : 1;
  if (b >= 0xE0 && b <= 0xEF) {
    if (avail < 3) return 1;
    const unsigned lo = b == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F would be overlong
    const unsigned hi = b == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
    return p[1] >= lo && p[1] <= hi && is_continuation(p[2]) ? 3 : 1;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (avail < 4) return 1;
    const unsigned lo = b == 0xF0 ? 0x90 : 0x80;  // F0 80..8F would be overlong
    const unsigned hi = b == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would be above U+10FFFF
    return p[1] >= lo && p[1] <= hi && is_continuation(p[2]) && is_continuation(p[3]) ? 4 : 1;
  }
  return 1;  // 80..BF alone, C0, C1, F5..FF
}

// True when none of the 8 bytes at p has its high bit set.
inline bool ascii8(const unsigned char* p) noexcept {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return (word & 0x8080808080808080ull) == 0;
}

// True when every byte of [p, end) is ASCII.
inline bool all_ascii(const unsigned char* p, const unsigned char* end) noexcept {
  while (end - p >= 8) {
    if (!ascii8(p)) return false;
    p += 8;
  }
  for (; p < end; ++p)
    if (*p >= 0x80) return false;
  return true;
}

}  // namespace moonring::workspace::utf8
