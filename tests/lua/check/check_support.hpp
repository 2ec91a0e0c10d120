// Running the checker on a marked fixture: the untagged marks are exactly the ranges where one
// diagnostic code must be reported (see tests/lua/semantic/fixture.hpp for the marker syntax).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "tests/lua/semantic/fixture.hpp"

namespace moonring::lua::testing {

// A few standard names, so fixtures can call print without declaring it.
inline bool test_known_global(std::string_view name) {
  static const std::set<std::string, std::less<>> known = {
      "print",  "pairs",  "ipairs",  "type",   "tostring", "tonumber",
      "error",  "assert", "require", "select", "next",     "setmetatable",
      "string", "table",  "math",    "os",     "io",       "_G"};
  return known.contains(name);
}

inline std::vector<Diagnostic> run_check(const std::string& source,
                                         LuaVersion version = LuaVersion::Lua54) {
  FileAnalysis file = analyze(source, version);
  CheckOptions options;
  options.is_known_global = test_known_global;
  return check(file, options);
}

inline std::vector<Diagnostic> only(const std::vector<Diagnostic>& all, DiagnosticCode code) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : all)
    if (d.code == code) out.push_back(d);
  return out;
}

// The diagnostics of `code` are exactly the untagged marks of the fixture (by byte range), and
// every one carries the code's default severity. Returns them for further checks of messages.
inline std::vector<Diagnostic> expect_code(DiagnosticCode code, std::string_view marked,
                                           LuaVersion version = LuaVersion::Lua54) {
  Fixture fx = fixture(marked);
  auto all = run_check(fx.source, version);
  auto found = only(all, code);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> want, got;
  for (const Mark& m : fx.marks)
    if (m.tag.empty()) want.emplace_back(m.range.start, m.range.end);
  std::string listing;
  for (const Diagnostic& d : all) {
    listing += std::to_string(d.start.line) + ":" + std::to_string(d.start.column) + " [" +
               std::string(code_name(d.code)) + "] " + d.message + " «" +
               fx.source.substr(d.range.start, d.range.end - d.range.start) + "»\n";
    if (d.code == code) got.emplace_back(d.range.start, d.range.end);
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  INFO("source:\n" << fx.source << "\ndiagnostics:\n" << listing);
  CHECK(got == want);
  for (const Diagnostic& d : found) CHECK(d.severity == default_severity(code));
  return found;
}

}  // namespace moonring::lua::testing
