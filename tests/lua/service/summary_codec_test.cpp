// The summaries' encoding: what decodes is what was encoded (the diagnostics a file finishes
// with, and every query fact), and a damaged or short encoding is refused, never half-read.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "lang/lua/services/summary_codec.hpp"
#include "lang/lua/services/workspace_settings.hpp"

using namespace moonring;
using namespace moonring::lua;

namespace {

constexpr std::string_view kModule = R"lua(
--- Adds two numbers.
-- @param a number
local M = {}
local json = require "json"
local unused = 1

function M.add(a, b, ...)
  return a + b + json.decode(undefined_thing)
end

function M:method() return self.x end
M.value = { key = 1, key = 2 }

function global_fn(x) counter = (counter or 0) + x end
print(missing_global, json.encode)
goto nowhere
return M
)lua";

struct Summaries {
  FileSummary check;
  query::FileSummary query;
};

Summaries summarise_text(std::string_view text, bool library = false) {
  WorkspaceSettings settings(config::Config{}, config::Settings{});
  const WorkspaceCheckOptions& options = settings.base();
  const FileAnalysis analysis = analyze(text, options.version);
  return {summarise(analysis, options, options.inline_options, library),
          query::summarize(analysis.parsed.tree, analysis.binding)};
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// Every field, written out as text: two summaries are equal when these are.
std::string describe(const Summaries& s) {
  std::string out = s.check.library ? "library\n" : "source\n";
  const auto range = [&out](Range r) {
    out += std::to_string(r.start) + "-" + std::to_string(r.end) + " ";
  };
  GlobalSet none;
  for (const service::Diagnostic& d : finish(s.check, none)) {
    out += d.code + " " + d.message + " " + std::to_string(d.span.start.line) + ":" +
           std::to_string(d.span.start.utf16) + "\n";
    for (const service::RelatedInformation& r : d.related)
      out += "  related " + r.message + " " + std::to_string(r.location.span.start.line) + ":" +
             std::to_string(r.location.span.start.utf16) + "-" +
             std::to_string(r.location.span.end.utf16) + "\n";
  }
  for (const auto& r : s.check.reads) {
    out += "read " + s.check.read_names[r.name] + " ";
    range(r.range);
    out += std::to_string(r.start_utf16) + "\n";
  }
  for (const auto& a : s.check.assigned) out += "assigned " + a + "\n";
  const auto name = [&s](NameId id) {
    return id == kNoNode ? std::string("<self>") : std::string(s.query.names.text(id));
  };
  for (const auto& g : s.query.globals) {
    out += "global " + name(g.name) + (g.write ? " w " : " r ") + (g.declaration ? "d " : "");
    range(g.range);
    out += "\n";
  }
  for (const auto& r : s.query.required) {
    out += "require " + name(r.module) + " ";
    range(r.range);
    out += "\n";
  }
  for (const auto* defs : {&s.query.members, &s.query.global_functions}) {
    for (const auto& d : *defs) {
      out += "def " + name(d.name) + " " + (d.function ? "f" : "") + (d.method ? "m" : "") +
             (d.declaration ? "d" : "") + " (" + d.params + ") [" + d.doc + "] ";
      range(d.range);
      out += "\n";
    }
  }
  for (const auto& u : s.query.member_uses) {
    out += "use " + name(u.module) + "." + name(u.member) + (u.write ? " w " : " r ");
    range(u.range);
    out += "\n";
  }
  out += "shape " + std::to_string(s.query.shape) + "\n";
  return out;
}

}  // namespace

TEST_CASE("summary codec: a decoded file equals the analysed one, field by field",
          "[summary_codec]") {
  const Summaries analysed = summarise_text(kModule);
  // The fixture reaches every part of the encoding.
  REQUIRE(!analysed.check.diagnostics.empty());
  REQUIRE(
      std::any_of(analysed.check.diagnostics.begin(), analysed.check.diagnostics.end(),
                  [](const ReportedDiagnostic& r) { return r.diagnostic.related.has_value(); }));
  REQUIRE(!analysed.check.reads.empty());
  REQUIRE(!analysed.check.assigned.empty());
  REQUIRE(!analysed.query.globals.empty());
  REQUIRE(!analysed.query.required.empty());
  REQUIRE(!analysed.query.members.empty());
  REQUIRE(!analysed.query.global_functions.empty());
  REQUIRE(!analysed.query.member_uses.empty());

  const std::string encoded = encode_summaries(analysed.check, analysed.query);
  Summaries decoded;
  REQUIRE(decode_summaries(bytes_of(encoded), decoded.check, decoded.query));
  CHECK(describe(decoded) == describe(analysed));
  CHECK(decoded.query.names.size() == analysed.query.names.size());
  // Re-encoding is byte-identical: nothing was lost or reordered.
  CHECK(encode_summaries(decoded.check, decoded.query) == encoded);
}

TEST_CASE("summary codec: library files and empty files round-trip", "[summary_codec]") {
  for (const auto& [text, library] : std::vector<std::pair<std::string_view, bool>>{
           {"", false}, {"lib_global = 1\n", true}, {"local x = (\n", false}}) {
    const Summaries analysed = summarise_text(text, library);
    const std::string encoded = encode_summaries(analysed.check, analysed.query);
    Summaries decoded;
    REQUIRE(decode_summaries(bytes_of(encoded), decoded.check, decoded.query));
    CHECK(describe(decoded) == describe(analysed));
  }
}

TEST_CASE("summary codec: every truncation and an extra byte are refused", "[summary_codec]") {
  const Summaries analysed = summarise_text(kModule);
  const std::string encoded = encode_summaries(analysed.check, analysed.query);
  for (std::size_t length = 0; length < encoded.size(); ++length) {
    Summaries decoded;
    CHECK_FALSE(
        decode_summaries(bytes_of(encoded.substr(0, length)), decoded.check, decoded.query));
  }
  Summaries decoded;
  CHECK_FALSE(decode_summaries(bytes_of(encoded + '\0'), decoded.check, decoded.query));
}

TEST_CASE("summary codec: a flipped byte never yields ids out of their tables", "[summary_codec]") {
  // The store's checksums catch damage first; the decoder still never trusts its input, so
  // whatever it accepts is safe to finish (ASan builds check the reads).
  const Summaries analysed = summarise_text(kModule);
  const std::string encoded = encode_summaries(analysed.check, analysed.query);
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    std::string bad = encoded;
    bad[i] = static_cast<char>(bad[i] ^ 0xA5);
    Summaries decoded;
    if (!decode_summaries(bytes_of(bad), decoded.check, decoded.query)) continue;
    ++accepted;
    for (const auto& r : decoded.check.reads) REQUIRE(r.name < decoded.check.read_names.size());
    for (const auto& g : decoded.query.globals) REQUIRE(g.name < decoded.query.names.size());
    for (const auto& u : decoded.query.member_uses) {
      REQUIRE(u.member < decoded.query.names.size());
      REQUIRE((u.module == kNoNode || u.module < decoded.query.names.size()));
    }
    GlobalSet none;
    (void)finish(decoded.check, none);
  }
  CHECK(accepted < encoded.size());  // the structural checks refuse some flips outright
}
