// `moonring check`'s report in pieces (app/check/report_pieces.hpp): cut anywhere, formatted on
// any number of threads, it shows the findings of lua::for_each_diagnostic, in order, and every
// format prints the same bytes as one piece on one thread does.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/check/report.hpp"
#include "app/check/report_pieces.hpp"

namespace moonring::app {
namespace {

using lua::DiagnosticCode;
using lua::FileReport;

// Reports with diagnostics and undefined globals interleaved, ties at one offset included (codes
// before and after undefined-global in the merge's order), a file not checked and empty files.
std::vector<FileReport> sample_reports(std::uint32_t seed) {
  std::mt19937 random(seed);
  const auto pick = [&random](std::uint32_t n) {
    return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(random);
  };
  std::vector<FileReport> reports;
  for (int f = 0; f < 9; ++f) {
    FileReport& report = reports.emplace_back();
    report.path = "dir/file" + std::to_string(f) + (f == 4 ? "\x1b[1m.lua" : ".lua");
    if (f == 3) {
      report.load_error = errno_error(5, "read dir/file3.lua");
      continue;
    }
    if (f == 6) continue;  // no findings
    const std::uint32_t offsets = 1 + pick(60);
    report.subjects = {"g", "undefined_\x07name", "x"};
    for (std::uint32_t offset = 0; offset < offsets; ++offset) {
      for (std::uint32_t n = pick(3); n > 0; --n) {
        lua::ReportedDiagnostic& r = report.diagnostics.emplace_back();
        // SyntaxError orders before undefined-global at one offset, UnusedLocal after it.
        r.diagnostic.code =
            pick(2) == 0 ? DiagnosticCode::SyntaxError : DiagnosticCode::UnusedLocal;
        r.diagnostic.severity = pick(2) == 0 ? lua::Severity::Error : lua::Severity::Warning;
        r.diagnostic.range = {offset * 4, offset * 4 + 1};
        r.diagnostic.start = {offset + 1, 2 * offset + 1};
        r.diagnostic.end = {offset + 1, 2 * offset + 2};
        r.diagnostic.message = "message " + std::to_string(report.diagnostics.size());
        r.start_utf16 = 2 * offset;
        r.end_utf16 = 2 * offset + 1;
      }
      for (std::uint32_t n = pick(3); n > 0; --n) {
        lua::UndefinedGlobalRead& read = report.undefined_globals.emplace_back();
        read.range = {offset * 4, offset * 4 + 1};
        read.start = {offset + 1, 2 * offset + 1};
        read.end = {offset + 1, 2 * offset + 2};
        read.start_utf16 = 2 * offset;
        read.end_utf16 = 2 * offset + 1;
        read.subject = pick(3);
        read.severity = pick(2) == 0 ? lua::Severity::Warning : lua::Severity::Information;
      }
    }
  }
  return reports;
}

// One finding as a line, the report's index first.
std::string describe(std::size_t index, const lua::ReportedDiagnostic& r) {
  const lua::Diagnostic& d = r.diagnostic;
  return std::to_string(index) + " " + std::to_string(static_cast<int>(d.code)) + " @" +
         std::to_string(d.range.start) + " s" + std::to_string(static_cast<int>(d.severity)) + " " +
         (r.subject == lua::kNoSubject ? d.message : std::to_string(r.subject));
}

struct Collect {
  std::vector<std::string> lines;
  std::size_t entered = 0;
  void file(std::size_t index, const FileReport&) { entered = index; }
  void not_checked(const FileReport&) { lines.push_back(std::to_string(entered) + " not checked"); }
  void diagnostic(const FileReport&, const lua::ReportedDiagnostic& r) {
    lines.push_back(describe(entered, r));
  }
};

// What a report shows, from lua::for_each_diagnostic itself.
std::vector<std::string> expected_lines(const std::vector<FileReport>& reports) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].load_error) {
      lines.push_back(std::to_string(i) + " not checked");
      continue;
    }
    lua::for_each_diagnostic(
        reports[i], [&](const lua::ReportedDiagnostic& r) { lines.push_back(describe(i, r)); });
  }
  return lines;
}

TEST_CASE("report pieces: any cut shows for_each_diagnostic's findings, in order", "[report]") {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    const std::vector<FileReport> reports = sample_reports(seed);
    const std::vector<std::string> expected = expected_lines(reports);
    for (const std::size_t items : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                                    std::size_t{50}, std::size_t{100000}}) {
      INFO("seed " << seed << ", pieces of " << items);
      const ReportPlan plan = cut_into_pieces(reports, items);
      REQUIRE(plan.findings == expected.size());
      REQUIRE(plan.marks.front() == ReportMark{});
      REQUIRE(plan.marks.back() == ReportMark{reports.size(), 0, 0});
      Collect all;
      std::size_t empty_pieces = 0;
      for (std::size_t piece = 0; piece < plan.pieces(); ++piece) {
        Collect one;
        for_each_finding(reports, plan.marks[piece], plan.marks[piece + 1], one);
        if (one.lines.empty()) ++empty_pieces;
        all.lines.insert(all.lines.end(), one.lines.begin(), one.lines.end());
      }
      CHECK(empty_pieces == 0);
      CHECK(all.lines == expected);
      if (items < 10) CHECK(plan.pieces() > expected.size() / (3 * items));  // it did cut
    }
  }
}

TEST_CASE("report pieces: a plan of no reports has no piece", "[report]") {
  const ReportPlan plan = cut_into_pieces({}, 10);
  CHECK(plan.pieces() == 0);
  CHECK(plan.findings == 0);
}

// The bytes a writer prints with `layout`.
template <typename Write>
std::string printed(Write&& write, const ReportLayout& layout) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  REQUIRE(out != nullptr);
  write(out, layout);
  std::fclose(out);
  std::string text(data, size);
  std::free(data);
  return text;
}

TEST_CASE("report writers: the same bytes in any pieces on any threads", "[report]") {
  const std::vector<FileReport> reports = sample_reports(7);
  // The summary's counts, as the reports have them.
  std::size_t errors = 0, warnings = 0, others = 0, files = 0;
  for (const FileReport& report : reports) {
    if (report.load_error) {
      ++errors;
      continue;
    }
    ++files;
    const auto add = [&](lua::Severity severity) {
      ++(severity == lua::Severity::Error     ? errors
         : severity == lua::Severity::Warning ? warnings
                                              : others);
    };
    for (const lua::ReportedDiagnostic& r : report.diagnostics) add(r.diagnostic.severity);
    for (const lua::UndefinedGlobalRead& read : report.undefined_globals) add(read.severity);
  }
  REQUIRE(others != 0);
  const auto text = [&](std::FILE* out, const ReportLayout& layout) {
    const CheckTotals totals = write_text(out, reports, 0.25, layout);
    CHECK(totals.errors == errors);
    CHECK(totals.warnings == warnings);
    CHECK(totals.others == others);
    CHECK(totals.files == files);
    CHECK(totals.not_checked == 1);
  };
  const auto json = [&](std::FILE* out, const ReportLayout& layout) {
    write_json(out, reports, layout);
  };
  const auto sarif = [&](std::FILE* out, const ReportLayout& layout) {
    write_sarif(out, reports, layout);
  };
  const ReportLayout whole{1'000'000, 1};
  const std::string text_whole = printed(text, whole);
  const std::string json_whole = printed(json, whole);
  const std::string sarif_whole = printed(sarif, whole);
  // What the formats say, seen in the one-piece output.
  CHECK(text_whole.find("dir/file3.lua: error: read dir/file3.lua") != std::string::npos);
  CHECK(text_whole.find("dir/file4\\x1b[1m.lua:") != std::string::npos);
  CHECK(text_whole.find("undefined global 'undefined_\\x07name'") != std::string::npos);
  CHECK(
      text_whole.ends_with(std::to_string(errors) + " errors, " + std::to_string(warnings) +
                           " warnings, " + std::to_string(others) +
                           " notes in 7 files of 8 files checked, 1 file not checked (0.25 s)\n"));
  CHECK(json_whole.starts_with("[\n{\"file\":"));
  CHECK(json_whole.ends_with("}\n]\n"));
  CHECK(sarif_whole.find("\"results\":[\n{\"ruleId\":") != std::string::npos);
  for (const ReportLayout layout : {ReportLayout{1, 4}, ReportLayout{2, 3}, ReportLayout{3, 2},
                                    ReportLayout{7, 8}, ReportLayout{64, 2}}) {
    INFO("pieces of " << layout.piece_items << " on " << layout.threads << " threads");
    for (int round = 0; round < 5; ++round) {  // threads finish in a different order each time
      CHECK(printed(text, layout) == text_whole);
      CHECK(printed(json, layout) == json_whole);
      CHECK(printed(sarif, layout) == sarif_whole);
    }
  }
}

TEST_CASE("report writers: nothing to report", "[report]") {
  const std::vector<FileReport> none;
  const ReportLayout layout{1, 2};
  CHECK(printed([&](std::FILE* out, const ReportLayout& l) { write_json(out, none, l); }, layout) ==
        "[]\n");
  const std::string text =
      printed([&](std::FILE* out, const ReportLayout& l) { write_text(out, none, 0, l); }, layout);
  CHECK(text == "0 errors, 0 warnings in 0 files of 0 files checked (0.00 s)\n");
  const std::string sarif =
      printed([&](std::FILE* out, const ReportLayout& l) { write_sarif(out, none, l); }, layout);
  CHECK(sarif.ends_with("\"results\":[]\n}]\n}\n"));
}

}  // namespace
}  // namespace moonring::app
