// The UTF-8 decoding rule (utf8.hpp) against the reference decoder, exhaustively for sequences
// of up to three bytes and for every code point, and for each class of invalid input.
#include <catch2/catch.hpp>

#include <string>

#include "tests/workspace/documents/reference.hpp"
#include "workspace/documents/utf8.hpp"

namespace ws = moonring::workspace;
namespace ref = moonring::workspace::reference;

namespace {

uint32_t length_at(const std::string& s, size_t i = 0) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  return ws::utf8::unit_length(p + i, p + s.size());
}

}  // namespace

TEST_CASE("every code point encodes to a sequence the rule decodes whole", "[utf8]") {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string s = ref::encode(cp);
    const size_t expected = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (length_at(s) != expected) FAIL("U+" << std::hex << cp);
  }
}

TEST_CASE("every sequence of one to three bytes agrees with the reference", "[utf8]") {
  std::string s(3, '\0');
  for (uint32_t v = 0; v < (1u << 24); ++v) {
    s[0] = static_cast<char>(v >> 16);
    s[1] = static_cast<char>(v >> 8);
    s[2] = static_cast<char>(v);
    for (size_t size = 1; size <= 3; ++size) {
      const std::string_view view(s.data(), size);
      const size_t expected = ref::decode_one(view, 0).length;
      auto p = reinterpret_cast<const unsigned char*>(s.data());
      if (ws::utf8::unit_length(p, p + size) != expected) {
        FAIL("bytes " << std::hex << v << " size " << size);
      }
    }
  }
}

TEST_CASE("four-byte sequences agree with the reference", "[utf8]") {
  // Every first three bytes from lead E0 up, with seven kinds of fourth byte: ASCII, the ends
  // of the continuation range, a lead, FF.
  std::string s(4, '\0');
  for (uint32_t lead = 0xE0; lead <= 0xFF; ++lead) {
    for (uint32_t b1 = 0; b1 < 256; ++b1) {
      for (uint32_t b2 = 0; b2 < 256; ++b2) {
        for (uint32_t b3 : {0x00u, 0x41u, 0x80u, 0x9Fu, 0xBFu, 0xC0u, 0xFFu}) {
          s = {static_cast<char>(lead), static_cast<char>(b1), static_cast<char>(b2),
               static_cast<char>(b3)};
          const size_t expected = ref::decode_one(s, 0).length;
          if (length_at(s) != expected) {
            FAIL(std::hex << lead << " " << b1 << " " << b2 << " " << b3);
          }
        }
      }
    }
  }
}

TEST_CASE("each class of invalid input is one code point per byte", "[utf8]") {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"lone continuation", "\x80"},
      {"lone continuation BF", "\xBF"},
      {"truncated 2-byte at end", "\xC3"},
      {"truncated 3-byte at end", "\xE2\x82"},
      {"truncated 4-byte at end", "\xF0\x9F\x98"},
      {"truncated 3-byte before ASCII",
       "\xE2\x82"
       "A"},
      {"overlong 2-byte (C0 80)", "\xC0\x80"},
      {"overlong 2-byte (C1 BF)", "\xC1\xBF"},
      {"overlong 3-byte (E0 80 80)", "\xE0\x80\x80"},
      {"overlong 3-byte (E0 9F BF)", "\xE0\x9F\xBF"},
      {"overlong 4-byte (F0 80 80 80)", "\xF0\x80\x80\x80"},
      {"overlong 4-byte (F0 8F BF BF)", "\xF0\x8F\xBF\xBF"},
      {"surrogate D800", "\xED\xA0\x80"},
      {"surrogate DFFF", "\xED\xBF\xBF"},
      {"above U+10FFFF (F4 90 80 80)", "\xF4\x90\x80\x80"},
      {"F5 lead", "\xF5\x80\x80\x80"},
      {"FF", "\xFF"},
      {"FE", "\xFE"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    for (size_t i = 0; i < c.bytes.size();) {
      const uint32_t length = length_at(c.bytes, i);
      REQUIRE(length == ref::decode_one(c.bytes, i).length);
      if (c.bytes[i] & 0x80) CHECK(length == 1);
      i += length;
    }
  }
  // Boundaries that are valid.
  CHECK(length_at("\xC2\x80") == 2);
  CHECK(length_at("\xE0\xA0\x80") == 3);
  CHECK(length_at("\xED\x9F\xBF") == 3);  // U+D7FF
  CHECK(length_at("\xEE\x80\x80") == 3);  // U+E000
  CHECK(length_at("\xF0\x90\x80\x80") == 4);
  CHECK(length_at("\xF4\x8F\xBF\xBF") == 4);  // U+10FFFF
}
