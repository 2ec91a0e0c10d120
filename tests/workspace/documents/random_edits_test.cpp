// 10,000 random incremental edits (random ranges in random encodings, text with multi-byte and
// non-BMP code points, invalid bytes and mixed line ends, deterministic seed), each checked
// against a plain std::string model and a naive line split; bad edits mixed in must fail and
// change nothing.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "tests/workspace/documents/check_index.hpp"
#include "tests/workspace/documents/reference.hpp"
#include "workspace/documents/errors.hpp"
#include "workspace/documents/store.hpp"

namespace ws = moonring::workspace;
namespace ref = moonring::workspace::reference;
using ws::Position;
using ws::PositionEncoding;

namespace {

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  size_t below(size_t n) { return n == 0 ? 0 : rng_() % n; }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }

  std::string text(size_t max_pieces) {
    static const char* const pieces[] = {
        "a",
        "b",
        "x",
        "local ",
        "end",
        " ",
        "=",
        "--",  // ASCII
        "\n",
        "\r",
        "\r\n",
        "\n\r",  // line ends in every mix
        "\xC3\xA9",
        "\xE2\x82\xAC",
        "\xE6\x97\xA5",  // é, €, 日
        "\xF0\x9F\x98\x80",
        "\xF0\x90\x90\x80",  // U+1F600, U+10400 (surrogate pairs)
        "\xF4\x8F\xBF\xBF",  // U+10FFFF
        "\x80",
        "\xC3",
        "\xE2\x82",
        "\xED\xA0\x80",
        "\xC0\xAF",
        "\xF4\x90\x80\x80",
        "\xFF",
    };
    constexpr size_t valid = 18;  // the pieces before the invalid ones
    std::string out;
    const size_t count = below(max_pieces + 1);
    for (size_t i = 0; i < count; ++i) {
      // Invalid bytes in about one piece in twenty.
      out += pieces[chance(5) ? below(std::size(pieces)) : below(valid)];
    }
    return out;
  }

  // A position on an existing line, up to two units past its end (which clamps).
  Position position(const std::string& model, PositionEncoding encoding) {
    const auto lines = ref::split_lines(model);
    const auto line = static_cast<uint32_t>(below(lines.size()));
    const size_t width = ref::position_of(model, lines[line].end, encoding).character;
    return Position{line, static_cast<uint32_t>(below(width + 3))};
  }

 private:
  std::mt19937 rng_;
};

constexpr PositionEncoding kEncodings[] = {PositionEncoding::utf8, PositionEncoding::utf16,
                                           PositionEncoding::utf32};

}  // namespace

TEST_CASE("10,000 random edits agree with a string model", "[store][random]") {
  Random random(0x5EED2026);
  ws::DocumentStore store;
  std::string model = random.text(200);
  int64_t version = 1;
  REQUIRE(store.open("file:///random.lua", "lua", version, model).ok());
  ws::SnapshotPtr held;  // a reader's snapshot, kept now and then to exercise the copy path
  int applied = 0, rejected = 0, copies = 0;

  for (int step = 0; step < 10000; ++step) {
    INFO("step " << step);
    const PositionEncoding encoding = kEncodings[random.below(3)];
    store.set_encoding(encoding);
    std::vector<std::string> texts;  // the change texts, kept alive for the call
    std::vector<ws::ContentChange> changes;
    std::string expected = model;
    bool bad = false;
    const size_t count = random.chance(80) ? 1 : 2 + random.below(2);
    texts.reserve(count);
    for (size_t c = 0; c < count; ++c) {
      // Large documents shrink: mostly deletions once over 3 KB.
      texts.push_back(random.text(expected.size() > 3000 ? 1 : 6));
      if (random.chance(1)) {
        changes.push_back({std::nullopt, texts.back()});
        expected = texts.back();
        continue;
      }
      Position a = random.position(expected, encoding);
      Position b = random.chance(30) ? a : random.position(expected, encoding);
      if (b < a) std::swap(a, b);
      if (c + 1 == count && random.chance(2)) {  // a bad range: inverted or past the end
        const auto lines = ref::split_lines(expected).size();
        if (random.chance(50) && a != b) {
          std::swap(a, b);
        } else {
          b = Position{static_cast<uint32_t>(lines + random.below(3)), 0};
        }
        bad = true;
        changes.push_back({ws::Range{a, b}, texts.back()});
        break;
      }
      const size_t start = ref::offset_of(expected, a, encoding);
      const size_t end = ref::offset_of(expected, b, encoding);
      REQUIRE(start <= end);
      expected.replace(start, end - start, texts.back());
      changes.push_back({ws::Range{a, b}, texts.back()});
    }

    const int64_t next_version = version + 1 + static_cast<int64_t>(random.below(3));
    const ws::Snapshot* before = store.get("file:///random.lua").get();
    const bool shared = held != nullptr && held.get() == before;
    auto result = store.change("file:///random.lua", next_version, changes);
    auto current = store.get("file:///random.lua");
    if (bad) {
      REQUIRE_FALSE(result.ok());
      const auto code = result.error().code;
      REQUIRE((code == ws::DocumentErrc::past_end || code == ws::DocumentErrc::inverted_range));
      REQUIRE(current->version == version);
      REQUIRE(current->text == model);
      ++rejected;
    } else {
      REQUIRE(result.ok());
      REQUIRE(result->get() == current.get());
      REQUIRE(current->version == next_version);
      REQUIRE(current->text == expected);
      if (shared) {
        REQUIRE(current.get() != before);
        ++copies;
      }
      model = std::move(expected);
      version = next_version;
      ++applied;
    }
    ref::check_index(current->text, current->lines, false);
    REQUIRE(current->lines == ws::LineIndex(current->text));
    if (held) REQUIRE(held->text.size() <= held->text.capacity());  // still a live object

    // Conversions at random offsets and positions, every encoding, against the reference.
    for (int probe = 0; probe < 2; ++probe) {
      const size_t offset = random.below(model.size() + 1);
      const PositionEncoding enc = kEncodings[random.below(3)];
      const Position got = current->position_at(offset, enc);
      const Position want = ref::position_of(model, offset, enc);
      REQUIRE(got == want);
      const Position position = random.position(model, enc);
      auto back = current->offset_at(position, enc);
      REQUIRE(back.ok());
      REQUIRE(*back == ref::offset_of(model, position, enc));
    }
    if (random.chance(30)) held = current;
    if (random.chance(30)) held.reset();
    current.reset();
  }
  CHECK(applied + rejected == 10000);
  CHECK(rejected > 50);
  CHECK(copies > 500);
}
