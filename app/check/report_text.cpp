// `moonring check --format text`: `file:line:col: severity: message [code]`, then a summary. A file
// not checked is `file: error: why [file-not-checked]`. The file's bytes (in paths and messages)
// are escaped for the terminal.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "app/check/report.hpp"
#include "app/check/report_pieces.hpp"

namespace moonring::app {

std::string not_checked_reason(const lua::FileReport& report) {
  return report.load_error ? report.load_error->message() : std::string();
}

namespace {

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Findings by severity: each thread counts those it prints.
struct Counts {
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t others = 0;
  void add(lua::Severity severity) {
    switch (severity) {
      case lua::Severity::Error:
        ++errors;
        break;
      case lua::Severity::Warning:
        ++warnings;
        break;
      default:
        ++others;
        break;
    }
  }
};

// One thread's formatting of text pieces, with what it caches from piece to piece.
class TextPieces {
 public:
  TextPieces(std::span<const lua::FileReport> reports, const ReportPlan& plan, Counts& counts)
      : reports_(reports), plan_(plan), counts_(&counts) {}

  void operator()(std::size_t piece, ReportBuffer& into) {
    ReportOut o(into);
    out_ = &o;
    buffer_ = &into;
    for_each_finding(reports_, plan_.marks[piece], plan_.marks[piece + 1], *this);
    out_ = nullptr;
    buffer_ = nullptr;
  }

  void file(std::size_t index, const lua::FileReport& report) {
    if (index == report_) return;
    report_ = index;
    path_.clear();
    append_terminal_text(path_, report.path);
    tails_.clear();
    tails_.resize(report.subjects.size());
  }

  void not_checked(const lua::FileReport& report) {
    ++counts_->errors;
    *out_ << path_ << ": error: ";
    out_->terminal_text(not_checked_reason(report));
    *out_ << " [" << kNotCheckedCode << "]\n";
  }

  void diagnostic(const lua::FileReport& report, const lua::ReportedDiagnostic& r) {
    const lua::Diagnostic& d = r.diagnostic;
    counts_->add(d.severity);
    const std::string* tail = &tail_;
    if (r.subject == lua::kNoSubject) {
      build_tail(report, r, tail_);
    } else {
      Tail& cached = tails_[r.subject];
      if (cached.text.empty() || cached.severity != d.severity) {
        build_tail(report, r, cached.text);
        cached.severity = d.severity;
      }
      tail = &cached.text;
    }
    // `path:line:column` and the tail through one room(): a report can have a million lines.
    char* p = buffer_->room(path_.size() + 2 * (1 + kDigits) + tail->size());
    std::memcpy(p, path_.data(), path_.size());
    p += path_.size();
    *p++ = ':';
    p = std::to_chars(p, p + kDigits, d.start.line).ptr;
    *p++ = ':';
    p = std::to_chars(p, p + kDigits, d.start.column).ptr;
    std::memcpy(p, tail->data(), tail->size());
    buffer_->commit(p + tail->size());
  }

 private:
  // What follows the column, for an undefined global escaped once per name and severity: a file
  // can read one undefined global a million times.
  struct Tail {
    std::string text;  // ": warning: undefined global 'x' [undefined-global]\n"
    lua::Severity severity = lua::Severity::Warning;
  };

  void build_tail(const lua::FileReport& report, const lua::ReportedDiagnostic& r,
                  std::string& into) {
    into.clear();
    into += ": ";
    into += lua::severity_name(r.diagnostic.severity);
    into += ": ";
    append_terminal_text(into, lua::message(report, r, scratch_));
    into += " [";
    into += lua::code_name(r.diagnostic.code);
    into += "]\n";
  }

  std::span<const lua::FileReport> reports_;
  const ReportPlan& plan_;
  Counts* counts_;
  static constexpr std::size_t kDigits = 10;  // of a 32-bit line or column

  ReportOut* out_ = nullptr;
  ReportBuffer* buffer_ = nullptr;  // out_'s
  std::size_t report_ = SIZE_MAX;   // the report path_ and tails_ are for
  std::string path_;                // its path escaped
  std::vector<Tail> tails_;         // by subject
  std::string tail_;
  std::string scratch_;  // a message built for printing (lua::message)
};

}  // namespace

CheckTotals write_text(std::FILE* out, std::span<const lua::FileReport> reports, double seconds,
                       const ReportLayout& layout) {
  const ReportPlan plan = cut_into_pieces(reports, layout.piece_items);
  std::deque<Counts> counts;  // one per formatter, so one per thread
  write_pieces(out, plan.pieces(), layout.threads,
               [&] { return PieceFormatter(TextPieces(reports, plan, counts.emplace_back())); });
  CheckTotals totals;
  totals.seconds = seconds;
  for (const Counts& c : counts) {
    totals.errors += c.errors;
    totals.warnings += c.warnings;
    totals.others += c.others;
  }
  std::size_t files_with_findings = 0;
  for (const lua::FileReport& report : reports) {
    if (report.load_error) {
      ++totals.not_checked;
      continue;
    }
    ++totals.files;
    if (report.diagnostic_count() != 0) ++files_with_findings;
  }
  std::string summary = plural(totals.errors, "error") + ", " + plural(totals.warnings, "warning");
  if (totals.others != 0) summary += ", " + plural(totals.others, "note");
  summary += " in " + plural(files_with_findings, "file") + " of " + plural(totals.files, "file") +
             " checked";
  if (totals.not_checked != 0)
    summary += ", " + plural(totals.not_checked, "file") + " not checked";
  char duration[32];
  std::snprintf(duration, sizeof duration, " (%.2f s)\n", totals.seconds);
  ReportOut o(out);
  o << summary << duration;
  return totals;
}

}  // namespace moonring::app
