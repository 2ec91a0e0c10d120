// A report cut into pieces that every CPU formats at once, written in the original order: a large
// run's report (a million findings, 100+ MB of text) would otherwise run on one thread after the
// check, with the other CPUs idle.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "app/check/report.hpp"
#include "lang/lua/services/check_workspace.hpp"

namespace moonring::app {

// A point in the findings of the reports, in report order: before report `report`'s findings
// from `diagnostic` (in its diagnostics) and `global` (in its undefined globals) on, a state of
// lua::for_each_diagnostic's merge.
struct ReportMark {
  std::size_t report = 0;
  std::size_t diagnostic = 0;
  std::size_t global = 0;
  bool operator==(const ReportMark&) const = default;
};

struct ReportPlan {
  std::vector<ReportMark> marks;  // piece i is [marks[i], marks[i + 1]); first and last included
  std::size_t findings = 0;       // in all (a file not checked counts as one)
  std::size_t pieces() const { return marks.size() - 1; }
};

// Cuts `reports` into pieces of about `items` findings each (at least 1). A file not checked is
// one finding; a checked file is cut only after one of its undefined globals or inside the run of
// its diagnostics after the last, where the merge's state is known without replaying it (a cut
// after many undefined globals can make a piece larger by the diagnostics among them).
ReportPlan cut_into_pieces(std::span<const lua::FileReport> reports, std::size_t items);

// Visits the findings of [from, to) in order: v.file(index, report) when a report with something
// in the piece is entered, then v.not_checked(report) for a file not checked, or
// v.diagnostic(report, r) for each finding (as for_each_diagnostic shows it).
template <typename Visitor>
void for_each_finding(std::span<const lua::FileReport> reports, const ReportMark& from,
                      const ReportMark& to, Visitor& v) {
  for (std::size_t i = from.report; i < reports.size() && i <= to.report; ++i) {
    const lua::FileReport& report = reports[i];
    const bool first = i == from.report;
    const bool last = i == to.report;
    if (report.load_error) {
      if (last) break;  // the mark is before it
      v.file(i, report);
      v.not_checked(report);
      continue;
    }
    const std::size_t d0 = first ? from.diagnostic : 0;
    const std::size_t g0 = first ? from.global : 0;
    const std::size_t d1 = last ? to.diagnostic : report.diagnostics.size();
    const std::size_t g1 = last ? to.global : report.undefined_globals.size();
    if (d0 == d1 && g0 == g1) continue;
    v.file(i, report);
    lua::for_each_diagnostic_between(
        report, d0, g0, d1, g1, [&](const lua::ReportedDiagnostic& r) { v.diagnostic(report, r); });
  }
}

// What a JSON-like format's piece formatter shares: the piece's findings visited in order into
// `out_`, `first_` true for the report's first entry (piece 0). `Format` has file(),
// not_checked() and diagnostic() for for_each_finding.
template <typename Format>
class FindingsPiece {
 public:
  FindingsPiece(std::span<const lua::FileReport> reports, const ReportPlan& plan)
      : reports_(reports), plan_(plan) {}

  void operator()(std::size_t piece, ReportBuffer& into) {
    ReportOut o(into);
    out_ = &o;
    first_ = piece == 0;
    for_each_finding(reports_, plan_.marks[piece], plan_.marks[piece + 1],
                     static_cast<Format&>(*this));
    out_ = nullptr;
  }

 protected:
  ReportOut* out_ = nullptr;
  bool first_ = false;  // the next entry is the report's first

 private:
  std::span<const lua::FileReport> reports_;
  const ReportPlan& plan_;
};

// Formats one piece, appending to `into`. Each thread has its own, so it may keep caches from
// piece to piece.
using PieceFormatter = std::function<void(std::size_t piece, ReportBuffer& into)>;

// Formats pieces [0, count) on `threads` threads (0: one per CPU allowed; the caller's thread is
// one of them) and writes each to `out` once it and those before it are done, by the caller's
// thread. A window of pieces in flight bounds the memory; their buffers are reused.
void write_pieces(std::FILE* out, std::size_t count, unsigned threads,
                  const std::function<PieceFormatter()>& make_formatter);

}  // namespace moonring::app
