// Position conversion in UTF-8, UTF-16 and UTF-32 against the reference walk, round trips,
// clamping, rounding down inside a code point, invalid UTF-8, and the encoding negotiation.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/workspace/documents/reference.hpp"
#include "workspace/documents/convert.hpp"
#include "workspace/documents/errors.hpp"

namespace ws = moonring::workspace;
namespace ref = moonring::workspace::reference;
using ws::Position;
using ws::PositionEncoding;

namespace {

constexpr PositionEncoding kEncodings[] = {PositionEncoding::utf8, PositionEncoding::utf16,
                                           PositionEncoding::utf32};

// Every offset and every position up to two units past each line's end, against the reference;
// and the round trips the conversion promises.
void check_all(const std::string& text) {
  const ws::LineIndex index(text);
  const auto lines = ref::split_lines(text);
  const auto cps = ref::decode(text);
  std::vector<bool> boundary(text.size() + 1, false);
  for (const auto& cp : cps) boundary[cp.offset] = true;
  boundary[text.size()] = true;
  std::vector<bool> in_terminator(text.size() + 1, false);
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    for (size_t k = lines[i].end + 1; k < lines[i + 1].start; ++k) in_terminator[k] = true;

  for (PositionEncoding enc : kEncodings) {
    INFO("encoding " << ws::encoding_name(enc) << ", text '" << text << "'");
    for (size_t offset = 0; offset <= text.size(); ++offset) {
      INFO("offset " << offset);
      const Position got = ws::position_at(text, index, offset, enc);
      const Position want = ref::position_of(text, offset, enc);
      REQUIRE(got.line == want.line);
      REQUIRE(got.character == want.character);
      auto back = ws::offset_at(text, index, got, enc);
      REQUIRE(back.ok());
      // A code point's first byte comes back as it is; any other offset rounds down.
      if (boundary[offset] && !in_terminator[offset]) {
        REQUIRE(*back == offset);
      } else {
        REQUIRE(*back <= offset);
      }
    }
    for (uint32_t line = 0; line < lines.size(); ++line) {
      const size_t width = ref::position_of(text, lines[line].end, enc).character;
      for (uint32_t character = 0; character <= width + 2; ++character) {
        const Position position{line, character};
        INFO("position " << ws::to_string(position));
        auto got = ws::offset_at(text, index, position, enc);
        REQUIRE(got.ok());
        REQUIRE(*got == ref::offset_of(text, position, enc));
        const Position again = ws::position_at(text, index, *got, enc);
        REQUIRE(again.line == line);
        REQUIRE(again.character <= std::min<size_t>(character, width));
      }
    }
    auto past = ws::offset_at(text, index, Position{static_cast<uint32_t>(lines.size()), 0}, enc);
    REQUIRE_FALSE(past.ok());
    REQUIRE(past.error().code == ws::DocumentErrc::past_end);
  }
}

}  // namespace

TEST_CASE("the LSP example a, U+10400, b in every encoding", "[position]") {
  const std::string text =
      "a\xF0\x90\x90\x80"
      "b";  // a, U+10400, b
  const ws::LineIndex index(text);
  CHECK(ws::position_at(text, index, 5, PositionEncoding::utf16).character == 3);
  CHECK(ws::position_at(text, index, 5, PositionEncoding::utf32).character == 2);
  CHECK(ws::position_at(text, index, 5, PositionEncoding::utf8).character == 5);
  // UTF-16 character 2 points between the surrogates: rounds down to the code point's start.
  CHECK(*ws::offset_at(text, index, {0, 2}, PositionEncoding::utf16) == 1);
  // UTF-8 character 3 points inside the sequence: rounds down too.
  CHECK(*ws::offset_at(text, index, {0, 3}, PositionEncoding::utf8) == 1);
  // An offset inside the sequence rounds down.
  CHECK(ws::position_at(text, index, 3, PositionEncoding::utf16).character == 1);
  // Past the line's end: clamps to it.
  CHECK(*ws::offset_at(text, index, {0, 99}, PositionEncoding::utf16) == 6);
  check_all(text);
}

TEST_CASE("positions against the reference for mixed text and line ends", "[position]") {
  for (const char* text :
       {"", "abc", "a\nb", "héllo\r\nwörld\r€uro\n", "\xF0\x9F\x98\x80\xF0\x9F\x98\x81\n\n",
        "\r\n\r\n", "日本語\rテキスト",
        "mixed ascii run of more than eight bytes é then more ascii", "x\xF4\x8F\xBF\xBFy",
        "\xEF\xBB\xBF"
        "bom"}) {
    check_all(text);
  }
}

TEST_CASE("every code point converts in every encoding", "[position]") {
  // Lines of 12 code points, every scalar value once, the line ends mixed.
  std::string text;
  int in_line = 0, line = 0;
  size_t terminator_cps = 0;
  const char* ends[] = {"\n", "\r\n", "\r"};
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == '\r' || cp == '\n') continue;
    text += ref::encode(cp);
    if (++in_line == 12) {
      terminator_cps += line % 3 == 1 ? 2 : 1;
      text += ends[line++ % 3];
      in_line = 0;
    }
  }
  const ws::LineIndex index(text);
  const auto cps = ref::decode(text);
  REQUIRE(cps.size() == 0x110000 - 0x800 - 2 + terminator_cps);
  // Walk the text once, keeping the reference position of each code point.
  const auto lines = ref::split_lines(text);
  size_t current = 0;
  size_t units[3] = {0, 0, 0};
  for (const auto& cp : cps) {
    while (current + 1 < lines.size() && lines[current + 1].start <= cp.offset) {
      ++current;
      units[0] = units[1] = units[2] = 0;
    }
    if (cp.offset >= lines[current].end) continue;  // a terminator byte
    for (int e = 0; e < 3; ++e) {
      const PositionEncoding enc = kEncodings[e];
      const Position want{static_cast<uint32_t>(current), static_cast<uint32_t>(units[e])};
      const Position got = ws::position_at(text, index, cp.offset, enc);
      if (got != want) FAIL("U+" << std::hex << cp.value << " " << ws::encoding_name(enc));
      auto back = ws::offset_at(text, index, want, enc);
      if (!back || *back != cp.offset) FAIL("back U+" << std::hex << cp.value);
      // Every byte inside the code point rounds down to its start (one encoding per code point,
      // in turn, to keep the test quick).
      for (size_t k = 1; k < cp.length && cp.value % 3 == static_cast<uint32_t>(e); ++k) {
        if (ws::position_at(text, index, cp.offset + k, enc) != want) FAIL("inside");
      }
      units[e] += ref::units(cp, enc);
    }
  }
}

TEST_CASE("invalid UTF-8 counts one unit per byte and round-trips", "[position]") {
  const std::string cases[] = {
      "a\x80"
      "b",                                 // lone continuation
      "ab\xE2\x82",                        // truncated at the end of the file
      "ab\xE2\x82\nc",                     // truncated at the end of a line
      "ab\xF0\x9F\x98\r\nc",               // truncated 4-byte before \r\n
      "\xC0\xAF/\xE0\x80\xAF",             // overlong
      "\xED\xA0\x80\xED\xB0\x80x",         // a surrogate pair encoded in UTF-8 (CESU-8)
      "\xF4\x90\x80\x80\xF7\xBF\xBF\xBF",  // above U+10FFFF
      "\xFF\xFE\xFD",                      // never valid
      "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80",
      "é\xA9\xA9"
      "\xC3",  // valid, then stray continuations, then a lead at EOF
  };
  for (const std::string& text : cases) check_all(text);
  // Each invalid byte is one UTF-16 unit and one UTF-32 unit.
  const std::string text =
      "\xE2\x82"
      "A";
  const ws::LineIndex index(text);
  CHECK(ws::position_at(text, index, 3, PositionEncoding::utf16).character == 3);
  CHECK(ws::position_at(text, index, 3, PositionEncoding::utf32).character == 3);
}

TEST_CASE("random byte soup matches the reference", "[position]") {
  std::mt19937 rng(20261125);
  const char alphabet[] = {'a',    '\n',   '\r',   '\x80', '\xBF', '\xC3', '\xA9',
                           '\xE2', '\x82', '\xAC', '\xF0', '\x9F', '\x98', '\x80',
                           '\xED', '\xA0', '\xF4', '\x90', '\xFF', '\xC0'};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 40);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % sizeof alphabet];
    check_all(text);
  }
}

TEST_CASE("ranges: inverted and past the end are errors", "[position]") {
  const std::string text = "ab\ncd";
  const ws::LineIndex index(text);
  auto inverted = ws::offsets_of(text, index, {{1, 1}, {0, 1}}, PositionEncoding::utf16);
  REQUIRE_FALSE(inverted.ok());
  CHECK(inverted.error().code == ws::DocumentErrc::inverted_range);
  CHECK(inverted.error().message() == "range 1:1-0:1: range starts after it ends");
  auto same_line = ws::offsets_of(text, index, {{0, 9}, {0, 1}}, PositionEncoding::utf16);
  CHECK(same_line.error().code == ws::DocumentErrc::inverted_range);
  auto past = ws::offsets_of(text, index, {{0, 0}, {2, 0}}, PositionEncoding::utf16);
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().code == ws::DocumentErrc::past_end);
  CHECK(past.error().message() ==
        "position 2:0: the document has 2 lines: position is past the end of the document");
  auto fine = ws::offsets_of(text, index, {{0, 1}, {1, 99}}, PositionEncoding::utf16);
  REQUIRE(fine.ok());
  CHECK(fine->first == 1);
  CHECK(fine->second == 5);
}

TEST_CASE("encoding negotiation prefers utf-8, then utf-16", "[position]") {
  using V = std::vector<std::string_view>;
  auto pick = [](V offers) { return ws::negotiate_encoding(offers); };
  CHECK(pick({}) == PositionEncoding::utf16);
  CHECK(pick({"utf-16"}) == PositionEncoding::utf16);
  CHECK(pick({"utf-16", "utf-8"}) == PositionEncoding::utf8);
  CHECK(pick({"utf-32", "utf-16"}) == PositionEncoding::utf16);
  CHECK(pick({"utf-32", "utf-8", "utf-16"}) == PositionEncoding::utf8);
  CHECK(pick({"utf-32"}) == PositionEncoding::utf32);  // the client's only choice
  CHECK(pick({"latin-1"}) == PositionEncoding::utf16);
  CHECK(ws::parse_encoding("utf-32") == PositionEncoding::utf32);
  CHECK_FALSE(ws::parse_encoding("UTF-8").has_value());
  CHECK(ws::encoding_name(PositionEncoding::utf8) == "utf-8");
}
