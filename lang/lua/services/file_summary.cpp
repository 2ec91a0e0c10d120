// Per-file summaries of the language service: see file_summary.hpp.
#include "lang/lua/services/file_summary.hpp"

#include <algorithm>
#include <unordered_map>

#include "lang/lua/services/file_check.hpp"

namespace moonring::lua {
namespace {

service::Severity to_service(Severity s) {
  switch (s) {
    case Severity::Error:
      return service::Severity::error;
    case Severity::Warning:
      return service::Severity::warning;
    case Severity::Information:
      return service::Severity::information;
    case Severity::Hint:
      return service::Severity::hint;
  }
  return service::Severity::warning;
}

// Unused names and dead code are what editors grey out.
bool unnecessary(DiagnosticCode code) {
  switch (code) {
    case DiagnosticCode::UnusedLocal:
    case DiagnosticCode::UnusedArg:
    case DiagnosticCode::UnusedLoopVar:
    case DiagnosticCode::UnreachableCode:
      return true;
    default:
      return false;
  }
}

service::Place place(LineCol at, std::uint32_t utf16) {
  return {at.line - 1, at.column - 1, utf16};
}

service::Diagnostic to_service(const ReportedDiagnostic& r, std::string message) {
  const Diagnostic& d = r.diagnostic;
  service::Diagnostic out;
  out.span.bytes = {d.range.start, d.range.end};
  out.span.start = place(d.start, r.start_utf16);
  out.span.end = place(d.end, r.end_utf16);
  out.severity = to_service(d.severity);
  out.code = std::string(code_name(d.code));
  out.source = "moonring";
  out.message = std::move(message);
  if (unnecessary(d.code)) out.tags.push_back(service::Tag::unnecessary);
  // In the same file, which the summary does not name: an empty path is the diagnostic's file.
  if (d.related) {
    service::Span at{{d.related->range.start, d.related->range.end},
                     place(d.related->start, r.related_start_utf16),
                     place(d.related->end, r.related_end_utf16)};
    out.related.push_back({service::Location{{}, at}, d.related->message});
  }
  return out;
}

}  // namespace

bool FileSummary::reads_any(const GlobalSet& names) const {
  return std::any_of(read_names.begin(), read_names.end(),
                     [&names](const std::string& n) { return names.contains(n); });
}

FileSummary summarise(std::string_view text, const WorkspaceCheckOptions& options,
                      bool inline_options, bool library) {
  return summarise(analyze(text, options.version), options, inline_options, library);
}

FileSummary summarise(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                      bool inline_options, bool library) {
  FileSummary summary;
  summary.library = library;

  GlobalSet assigned;
  add_assigned_globals(analysis, assigned);
  summary.assigned.reserve(assigned.size());
  assigned.for_each([&summary](const std::string& n) { summary.assigned.push_back(n); });
  if (library) return summary;
  FileCheck checked;
  check_file(analysis, options, inline_options, checked);
  summary.diagnostics = std::move(checked.diagnostics);
  std::unordered_map<std::string_view, std::uint32_t> ids;
  summary.reads.reserve(checked.reads.size());
  for (const CandidateRead& read : checked.reads) {
    auto [at, added] = ids.try_emplace(read.name, static_cast<std::uint32_t>(ids.size()));
    if (added) summary.read_names.emplace_back(read.name);
    summary.reads.push_back({at->second, read.range, read.start, read.end, read.start_utf16,
                             read.end_utf16, read.severity});
  }
  return summary;
}

std::vector<service::Diagnostic> finish(const FileSummary& summary, const GlobalSet& assigned) {
  std::vector<service::Diagnostic> out;
  if (summary.library || summary.load_error) return out;
  std::vector<bool> stands(summary.read_names.size());
  for (std::size_t i = 0; i < stands.size(); ++i)
    stands[i] = !assigned.contains(summary.read_names[i]);
  std::vector<ReportedDiagnostic> all = summary.diagnostics;
  const auto own = static_cast<std::ptrdiff_t>(all.size());
  for (const FileSummary::Read& read : summary.reads) {
    if (!stands[read.name]) continue;
    CandidateRead candidate{summary.read_names[read.name],
                            read.range,
                            read.start,
                            read.end,
                            read.start_utf16,
                            read.end_utf16,
                            read.severity};
    all.push_back(undefined_global(candidate));
  }
  const auto order = [](const ReportedDiagnostic& a, const ReportedDiagnostic& b) {
    return diagnostic_order(a.diagnostic, b.diagnostic);
  };
  if (!std::is_sorted(all.begin() + own, all.end(), order))
    std::stable_sort(all.begin() + own, all.end(), order);
  std::inplace_merge(all.begin(), all.begin() + own, all.end(), order);
  out.reserve(all.size());
  for (ReportedDiagnostic& r : all) {
    std::string message = std::move(r.diagnostic.message);
    out.push_back(to_service(r, std::move(message)));
  }
  return out;
}

}  // namespace moonring::lua
