// Checking a workspace on every core: see check_workspace.hpp for the three phases.
#include "lang/lua/services/check_workspace.hpp"

#include <algorithm>
#include <memory>

#include "lang/lua/config/inline_options.hpp"
#include "runtime/cross_core.hpp"
#include "runtime/runtime.hpp"
#include "runtime/when.hpp"
#include "workspace/documents/convert.hpp"

namespace moonring::lua {
namespace {

// An undefined-global candidate kept for phase 3, already converted for the report.
struct PendingRead {
  std::size_t index = 0;  // the file, in the caller's order
  std::string name;
  ReportedDiagnostic reported;
};

// What one core keeps between the phases: the globals its files assign and the reads that
// undefined-global will judge. Touched by that core only while a phase runs; the coordinator
// reads it between phases.
struct Shard {
  GlobalSet assigned;
  std::vector<PendingRead> pending;
  std::vector<std::pair<std::size_t, FileReport>> reports;  // (file index, its report)
};

// Shared by the cores for one run: the files to take (a core that drew small files takes more
// of them) and, once phase 1 is over, the reports, one slot per file.
struct Run {
  FileFeed* feed = nullptr;
  std::vector<FileReport> reports;
  const WorkspaceCheckOptions* options = nullptr;
};

// The UTF-16 column (0-based) of a 1-based byte column, under workspace/documents' decoding rule.
std::uint32_t utf16_column(const Tree& tree, LineCol at) {
  const std::size_t start = tree.lines().line_start(at.line);
  return static_cast<std::uint32_t>(workspace::units_between(
      tree.source(), start, start + at.column - 1, workspace::PositionEncoding::utf16));
}

ReportedDiagnostic reported(const Tree& tree, Diagnostic&& d) {
  ReportedDiagnostic r{std::move(d), 0, 0};
  r.start_utf16 = utf16_column(tree, r.diagnostic.start);
  r.end_utf16 = utf16_column(tree, r.diagnostic.end);
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
             const Tree& tree, const Diagnostic& d) {
  const std::string_view name = subject(tree, d);
  if (options.is_ignored && !name.empty() && options.is_ignored(d.code, name)) return true;
  return !inline_options.empty() &&
         inline_options.ignores_at(code_name(d.code), name, d.range.start);
}

// Phase 1 on one core: every file it takes is parsed, bound and checked (all but the
// workspace-wide part of undefined-global), then its tree is freed, so the core's memory is
// reused by the next file.
Task<void> analyse_shard(Run& run, Shard& shard) {
  const WorkspaceCheckOptions& base = *run.options;
  for (;;) {
    const std::optional<std::size_t> taken = co_await run.feed->take();
    if (!taken) break;
    const std::size_t index = *taken;
    AsyncFile& file = run.feed->at(index);
    const Result<FileContent>& content = co_await file.get();
    FileReport& report = shard.reports.emplace_back(index, FileReport{}).second;
    report.path = file.path();
    const WorkspaceCheckOptions& options = base.for_file ? base.for_file(report.path) : base;
    report.library = run.feed->tag(index) == kLibraryFile;
    if (!content) {
      report.load_error = content.error();
    } else if (report.library) {
      add_assigned_globals(analyze(content->text(), options.version), shard.assigned);
    } else {
      const FileAnalysis analysis = analyze(content->text(), options.version);
      add_assigned_globals(analysis, shard.assigned);
      const Tree& tree = analysis.parsed.tree;
      const config::InlineOptions inline_options = config::read_inline_options(tree);
      const CheckOptions check_options{options.is_known_global, nullptr, options.policy};
      DeferredCheck deferred = check_deferred(analysis, check_options);
      report.diagnostics.reserve(deferred.diagnostics.size());
      for (Diagnostic& d : deferred.diagnostics) {
        if (!ignored(options, inline_options, tree, d))
          report.diagnostics.push_back(reported(tree, std::move(d)));
      }
      for (PendingGlobalRead& read : deferred.global_reads) {
        if (ignored(options, inline_options, tree, read.diagnostic) ||
            inline_options.declares_at(read.name, read.diagnostic.range.start)) {
          continue;
        }
        shard.pending.push_back(
            {index, std::move(read.name), reported(tree, std::move(read.diagnostic))});
      }
    }
    file.release();  // the loader's memory goes back now
    if (base.on_file_analysed) base.on_file_analysed();
  }
}

// Phase 3: the pending reads of names no file assigns are undefined globals.
void resolve_pending(Run& run, const std::vector<Shard>& shards, const GlobalSet& assigned) {
  std::vector<std::size_t> touched;
  for (const Shard& shard : shards) {
    for (const PendingRead& read : shard.pending) {
      if (assigned.contains(read.name)) continue;
      run.reports[read.index].diagnostics.push_back(read.reported);
      touched.push_back(read.index);
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (std::size_t index : touched) {
    auto& diagnostics = run.reports[index].diagnostics;
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const ReportedDiagnostic& a, const ReportedDiagnostic& b) {
                       return diagnostic_order(a.diagnostic, b.diagnostic);
                     });
  }
}

Task<void> run_phases(Runtime& runtime, Run& run) {
  const unsigned cores = runtime.core_count();
  std::vector<Shard> shards(cores);
  std::vector<Task<void>> analyses;
  for (unsigned c = 0; c < cores; ++c)
    analyses.push_back(
        submit_to(c, [&run, &shard = shards[c]] { return analyse_shard(run, shard); }));
  co_await when_all(std::move(analyses));

  run.reports.resize(run.feed->size());
  for (Shard& shard : shards)
    for (auto& [index, report] : shard.reports) run.reports[index] = std::move(report);
  GlobalSet assigned;
  for (const Shard& shard : shards) assigned.merge(shard.assigned);
  resolve_pending(run, shards, assigned);
}

}  // namespace

std::vector<FileReport> check_workspace(Runtime& runtime, FileFeed& feed,
                                        const WorkspaceCheckOptions& options) {
  Run run;
  run.feed = &feed;
  run.options = &options;
  runtime.block_on([&runtime, &run] { return run_phases(runtime, run); });
  return std::move(run.reports);
}

std::vector<FileReport> check_workspace(Runtime& runtime, std::vector<AsyncFile> files,
                                        const WorkspaceCheckOptions& options) {
  FileFeed feed;
  for (AsyncFile& file : files) feed.push(std::move(file));
  feed.close();
  return check_workspace(runtime, feed, options);
}

}  // namespace moonring::lua
