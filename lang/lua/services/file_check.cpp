// Phase 1 of one file: see file_check.hpp.
#include "lang/lua/services/file_check.hpp"

#include "lang/lua/config/inline_options.hpp"
#include "lang/lua/services/luacheck_code.hpp"
#include "lang/lua/services/utf16_columns.hpp"

namespace moonring::lua {
namespace {

ReportedDiagnostic reported(Utf16Columns& columns, Diagnostic&& d) {
  ReportedDiagnostic r{std::move(d), 0, 0};
  r.start_utf16 = columns.column(r.diagnostic.start);
  r.end_utf16 = columns.column(r.diagnostic.end);
  if (const auto& related = r.diagnostic.related) {
    r.related_start_utf16 = columns.column(related->start);
    r.related_end_utf16 = columns.column(related->end);
  }
  return r;
}

// Whether the range of a diagnostic with this code is a variable's name.
bool names_a_variable(DiagnosticCode code) {
  switch (code) {
    case DiagnosticCode::UndefinedGlobal:
    case DiagnosticCode::UnusedLocal:
    case DiagnosticCode::UnusedArg:
    case DiagnosticCode::UnusedLoopVar:
    case DiagnosticCode::Shadowing:
    case DiagnosticCode::AssignToConst:
      return true;
    default:
      return false;
  }
}

// What a diagnostic is about: the variable's name, or "" for codes that name none.
std::string_view subject(const Tree& tree, const Diagnostic& d) {
  return names_a_variable(d.code) ? tree.source().substr(d.range.start, d.range.end - d.range.start)
                                  : std::string_view();
}

// Dropped by the configuration's ignore rules or by the file's own inline options.
bool ignored(const WorkspaceCheckOptions& options, const config::InlineOptions& inline_options,
             const FileAnalysis& analysis, const Diagnostic& d) {
  const bool by_options = options.is_ignored != nullptr;
  const bool by_inline = !inline_options.empty();
  if (!by_options && !by_inline) return false;
  const std::string_view name = subject(analysis.parsed.tree, d);
  const std::string_view luacheck = luacheck_code(analysis.binding, d);
  if (by_options && !name.empty() && options.is_ignored(d.code, name, luacheck)) return true;
  return by_inline && inline_options.ignores_at(code_name(d.code), name, d.range.start, luacheck);
}

}  // namespace

void check_file(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                bool inline_options_apply, FileCheck& out,
                const std::function<void(const CandidateRead&, NameId)>& visit) {
  out.clear();
  const Tree& tree = analysis.parsed.tree;
  const config::InlineOptions inline_options =
      inline_options_apply ? config::read_inline_options(tree) : config::InlineOptions{};
  const CheckOptions check_options{options.is_known_global, nullptr, options.policy};
  Utf16Columns columns(tree);
  // The candidates come in source order, after the rules: their columns share one forward pass.
  std::vector<Diagnostic> diagnostics =
      check_deferred(analysis, check_options, [&](const PendingGlobalRead& read) {
        Diagnostic d;  // what the ignore rules look at: no message
        d.code = DiagnosticCode::UndefinedGlobal;
        d.range = read.range;
        if (ignored(options, inline_options, analysis, d) ||
            inline_options.declares_at(read.name, read.range.start)) {
          return;
        }
        visit({read.name, read.range, read.start, read.end, columns.column(read.start),
               columns.column(read.end), read.severity},
              read.name_id);
      });
  out.diagnostics.reserve(diagnostics.size());
  for (Diagnostic& d : diagnostics) {
    if (!ignored(options, inline_options, analysis, d))
      out.diagnostics.push_back(reported(columns, std::move(d)));
  }
}

void check_file(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                bool inline_options_apply, FileCheck& out) {
  out.reads.reserve(analysis.binding.globals.size());
  check_file(analysis, options, inline_options_apply, out,
             [&out](const CandidateRead& read, NameId) { out.reads.push_back(read); });
}

ReportedDiagnostic undefined_global(const CandidateRead& read) {
  ReportedDiagnostic r;
  r.diagnostic.code = DiagnosticCode::UndefinedGlobal;
  r.diagnostic.severity = read.severity;
  r.diagnostic.range = read.range;
  r.diagnostic.start = read.start;
  r.diagnostic.end = read.end;
  undefined_global_message(read.name, r.diagnostic.message);
  r.start_utf16 = read.start_utf16;
  r.end_utf16 = read.end_utf16;
  return r;
}

}  // namespace moonring::lua
