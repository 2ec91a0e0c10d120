// The line index: line ends at \n, \r\n and \r, and the incremental update after an edit
// agrees with a fresh build, in particular where an edit makes or breaks a \r\n pair.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "tests/workspace/documents/check_index.hpp"
#include "workspace/documents/line_index.hpp"

namespace ws = moonring::workspace;
namespace ref = moonring::workspace::reference;

namespace {

// Replaces [start, start + removed) with `inserted` in the text and the index, and checks.
void edit(std::string& text, ws::LineIndex& index, size_t start, size_t removed,
          const std::string& inserted) {
  INFO("edit " << start << "+" << removed << " <- '" << inserted << "' in '" << text << "'");
  text.replace(start, removed, inserted);
  index.update(text, start, removed, inserted.size());
  ref::check_index(text, index);
  REQUIRE(index == ws::LineIndex(text));
}

}  // namespace

TEST_CASE("lines end at \\n, \\r\\n and \\r", "[line_index]") {
  for (const char* text : {"", "a", "\n", "\r", "\r\n", "\n\r", "\r\r\n\n", "a\nb\r\nc\rd", "a\n",
                           "a\r", "a\r\n", "\r\n\r\n", "é\nx\r€\r\n\xF0\x9F\x98\x80"}) {
    INFO("'" << text << "'");
    ref::check_index(text, ws::LineIndex(text));
  }
  ws::LineIndex index("a\r\nb");
  CHECK(index.line_count() == 2);
  CHECK(index.line_end("a\r\nb", 0) == 1);
  CHECK(index.line_of(2) == 0);  // between \r and \n: still the first line
  CHECK(ws::LineIndex().line_count() == 1);
}

TEST_CASE("edits that make or break a \\r\\n pair update the index", "[line_index]") {
  std::string text = "ab\rcd";
  ws::LineIndex index(text);
  edit(text, index, 3, 0, "\n");  // "ab\r\ncd": the \r and the new \n make one terminator
  edit(text, index, 3, 0, "x");   // "ab\rx\ncd": split again
  edit(text, index, 3, 1, "");    // join once more by deleting what was between
  edit(text, index, 2, 0, "\r");  // "ab\r\r\ncd"
  edit(text, index, 0, text.size(), "1\n2\n3");
  edit(text, index, 1, 0, "\r");  // "1\r\n2\n3": \r inserted before an \n
  edit(text, index, 2, 1, "");    // delete the \n of the pair: "1\r2\n3"
  edit(text, index, 1, 1, "\r\n\r");
  edit(text, index, 0, 0, "\n");
  edit(text, index, text.size(), 0, "\r");
  edit(text, index, text.size(), 0, "\n");  // ends in \r\n: still one terminator
  edit(text, index, text.size() - 1, 1, "é");
  edit(text, index, 0, text.size(), "");
  edit(text, index, 0, 0, "x\xC3");
  edit(text, index, 2, 0, "\xA9\n");
}

TEST_CASE("ASCII flags follow the bytes of the lines an edit touches", "[line_index]") {
  std::string text = "aaa\nbbb\nccc";
  ws::LineIndex index(text);
  edit(text, index, 5, 0, "€");
  edit(text, index, 5, 3, "");
  edit(text, index, 3, 0, "\nü");  // a new line made of old and new bytes
  edit(text, index, 0, 0, "ö\n");
  edit(text, index, 2, 3, "");  // joins the first two lines
}

TEST_CASE("a fresh build agrees with the naive split on long random lines", "[line_index]") {
  // Long runs without line ends exercise the 8-bytes-at-a-time skip of the build.
  std::mt19937 rng(11);
  const char* const pieces[] = {"abcdefgh", "0123", "x", "\n", "\r", "\r\n", "\xC3\xA9", "\x80"};
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const size_t count = rng() % 60;
    for (size_t i = 0; i < count; ++i) {
      const size_t pick = rng() % 100;
      // Line ends and non-ASCII bytes are rare, so most lines span several words.
      text += pieces[pick < 70 ? pick % 3 : pick < 85 ? 3 + pick % 3 : 6 + pick % 2];
    }
    INFO("'" << text << "'");
    ref::check_index(text, ws::LineIndex(text));
  }
}
