// The checker's cost on adversarial input stays linear: columns far into one long line, many
// locals in one scope (past luac's 200, where the parser goes on after its error), and finding a
// local by its declaration among many.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>

#include "lang/lua/check/check.hpp"
#include "lang/lua/services/utf16_columns.hpp"
#include "workspace/documents/convert.hpp"

using namespace moonring::lua;

namespace {

// The UTF-16 column of every byte of the line as a scan from the line's start counts it.
std::uint32_t scanned_column(const Tree& tree, LineCol at) {
  const std::size_t start = tree.lines().line_start(at.line);
  return static_cast<std::uint32_t>(moonring::workspace::units_between(
      tree.source(), start, start + at.column - 1, moonring::workspace::PositionEncoding::utf16));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("Utf16Columns: every column of long mixed lines is the scan's", "[check][scale]") {
  // ASCII, 2-, 3- and 4-byte sequences, stray continuation bytes and a truncated sequence, so
  // that checkpoints fall inside code points and next to broken ones.
  std::string line;
  const char* pieces[] = {
      "abc", "\xC3\xA9",         "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x80\xBF", "\xE2\x82",
      "x",   "\xF4\x8F\xBF\xBF", "\xC0"};
  for (int i = 0; i < 400; ++i) line += pieces[(i * 7) % 9];
  const std::string source = "-- head\nx = 1 -- " + line + "\n" + line + "\r\n" + line;
  const FileAnalysis file = analyze(source, LuaVersion::Lua54);
  const Tree& tree = file.parsed.tree;
  Utf16Columns columns(tree);
  for (std::uint32_t l = 1; l <= tree.lines().line_count(); ++l) {
    const std::uint32_t start = tree.lines().line_start(l);
    const std::uint32_t end =
        l < tree.lines().line_count() ? tree.lines().line_start(l + 1) : tree.source().size();
    // Backwards and forwards, so that checkpoints are used both ways.
    for (std::uint32_t o = end; o-- > start;) {
      const LineCol at{l, o - start + 1};
      REQUIRE(columns.column(at) == scanned_column(tree, at));
    }
    for (std::uint32_t o = start; o <= end; ++o) {
      const LineCol at{l, o - start + 1};
      REQUIRE(columns.column(at) == scanned_column(tree, at));
    }
  }
}

TEST_CASE("Utf16Columns: columns along one long line cost the line once", "[check][scale]") {
  // 100,000 diagnostics on one 400 KB line: a scan from the line's start per column would
  // decode 2 * 10^10 bytes. An ASCII line is read once whole; one with a multi-byte character
  // (here in a string at its start, so every column is shifted) goes through checkpoints.
  for (const char* head : {"x = a", "x = '\xC3\xA9' .. a"}) {
    CAPTURE(head);
    std::string source = head;
    for (int i = 1; i < 100000; ++i) source += " + a";
    const FileAnalysis file = analyze(source, LuaVersion::Lua54);
    const std::vector<Diagnostic> found = check(file, CheckOptions{});
    REQUIRE(found.size() >= 100000);
    Utf16Columns columns(file.parsed.tree);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
      const Diagnostic& d = found[i];
      const std::uint32_t start = columns.column(d.start);
      sum += start + columns.column(d.end);
      if (i % 997 == 0) REQUIRE(start == scanned_column(file.parsed.tree, d.start));
    }
    CHECK(sum > 0);
    const std::uint64_t bound = 2 * source.size() + 2 * found.size() * (Utf16Columns::kStride + 4);
    CHECK(columns.bytes_scanned() <= bound);
  }
}

TEST_CASE("many locals in one scope are parsed and checked in linear time", "[check][scale]") {
  // 120,000 locals in the main chunk, each reading a global: resolving a name by a scan of the
  // locals in scope made this ~7 * 10^9 comparisons (over a minute under the sanitizers).
  std::string source = "local v0 = g\n";
  for (int i = 1; i < 120000; ++i)
    source += "local v" + std::to_string(i) + " = v" + std::to_string(i - 1) + " + g\n";
  const auto started = std::chrono::steady_clock::now();
  const FileAnalysis file = analyze(source, LuaVersion::Lua54);
  const std::vector<Diagnostic> found = check(file, CheckOptions{});
  CHECK(seconds_since(started) < 20.0);  // linear: well under a second in Release
  REQUIRE(!found.empty());
  const auto error = std::find_if(found.begin(), found.end(), [](const Diagnostic& d) {
    return d.code == DiagnosticCode::SyntaxError;
  });
  REQUIRE(error != found.end());  // luac's, at the 201st local
  CHECK(error->message.find("too many local variables") != std::string::npos);
  CHECK(file.binding.locals.size() == 120000);
}

TEST_CASE("local_declared_at finds each declaration among many", "[check][scale]") {
  const std::string source =
      "local function f(a, ...) local b = function(c) return c end return a, b end\n"
      "function t:m(d) local e <close> = d end\n"
      "for i, j in pairs(t) do local k = i end\n";
  for (LuaVersion version : {LuaVersion::Lua51, LuaVersion::Lua54}) {
    const FileAnalysis file = analyze(source, version);
    const FileBinding& b = file.binding;
    for (std::uint32_t o = 0; o <= source.size(); ++o) {
      LocalId want = kNoLocal;  // the scan local_declared_at replaced
      for (LocalId id = 0; id < b.locals.size() && want == kNoLocal; ++id)
        if (b.locals[id].decl.start <= o && o < b.locals[id].decl.end) want = id;
      REQUIRE(b.local_declared_at(o) == want);
    }
  }
}
