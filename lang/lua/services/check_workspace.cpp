// Checking a workspace on every core: see check_workspace.hpp for the three phases.
#include "lang/lua/services/check_workspace.hpp"

#include <algorithm>
#include <memory>

#include "runtime/cross_core.hpp"
#include "runtime/runtime.hpp"
#include "runtime/when.hpp"
#include "workspace/documents/convert.hpp"

namespace moonring::lua {
namespace {

// One file as a core holds it between the phases.
struct OwnedFile {
  std::size_t index = 0;  // in the caller's order
  std::unique_ptr<FileAnalysis> analysis;
};

// What one core owns: the files it took and the globals they assign. Touched by that core only
// while a phase runs; the coordinator reads it between phases.
struct Shard {
  std::vector<OwnedFile> files;
  GlobalSet assigned;
};

// Shared by the cores for one run: the files to take (claimed through `next`, so a core that
// drew small files takes more of them) and the reports, one slot per file.
struct Run {
  std::vector<AsyncFile> files;
  std::vector<FileReport> reports;
  std::atomic<std::size_t> next{0};
  const WorkspaceCheckOptions* options = nullptr;
};

// The UTF-16 column (0-based) of a 1-based byte column, under workspace/documents' decoding rule.
std::uint32_t utf16_column(const Tree& tree, const LineIndex& lines, LineCol at) {
  const std::size_t start = lines.line_start(at.line);
  return static_cast<std::uint32_t>(workspace::units_between(
      tree.source(), start, start + at.column - 1, workspace::PositionEncoding::utf16));
}

Task<void> analyse_shard(Run& run, Shard& shard) {
  const WorkspaceCheckOptions& options = *run.options;
  for (;;) {
    const std::size_t index = run.next.fetch_add(1, std::memory_order_relaxed);
    if (index >= run.files.size()) break;
    const AsyncFile& file = run.files[index];
    const Result<FileContent>& content = co_await file.get();
    FileReport& report = run.reports[index];
    report.path = file.path();
    if (!content) {
      report.load_error = content.error();
    } else {
      auto analysis = std::make_unique<FileAnalysis>(analyze(content->text(), options.version));
      add_assigned_globals(*analysis, shard.assigned);
      shard.files.push_back({index, std::move(analysis)});
    }
    // The tree keeps its own copy of the text: the loader's memory goes back now.
    run.files[index].release();
    if (options.on_file_analysed) options.on_file_analysed();
  }
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

Task<void> check_shard(Run& run, Shard& shard, const GlobalSet& assigned) {
  CheckOptions check_options{run.options->is_known_global, &assigned, run.options->policy};
  for (OwnedFile& owned : shard.files) {
    const FileAnalysis& analysis = *owned.analysis;
    const Tree& tree = analysis.parsed.tree;
    const LineIndex& lines = tree.lines();
    std::vector<ReportedDiagnostic>& out = run.reports[owned.index].diagnostics;
    for (Diagnostic& d : check(analysis, check_options)) {
      if (run.options->is_ignored && names_a_variable(d.code) &&
          run.options->is_ignored(d.code,
                                  tree.source().substr(d.range.start, d.range.end - d.range.start)))
        continue;
      ReportedDiagnostic r{std::move(d), 0, 0};
      r.start_utf16 = utf16_column(tree, lines, r.diagnostic.start);
      r.end_utf16 = utf16_column(tree, lines, r.diagnostic.end);
      out.push_back(std::move(r));
    }
    owned.analysis.reset();  // freed on the core that allocated it
  }
  co_return;
}

Task<void> run_phases(Runtime& runtime, Run& run) {
  const unsigned cores = runtime.core_count();
  std::vector<Shard> shards(cores);

  std::vector<Task<void>> analyses;
  for (unsigned c = 0; c < cores; ++c)
    analyses.push_back(
        submit_to(c, [&run, &shard = shards[c]] { return analyse_shard(run, shard); }));
  co_await when_all(std::move(analyses));

  GlobalSet assigned;
  for (const Shard& shard : shards) assigned.merge(shard.assigned);

  std::vector<Task<void>> checks;
  for (unsigned c = 0; c < cores; ++c)
    checks.push_back(submit_to(
        c, [&run, &shard = shards[c], &assigned] { return check_shard(run, shard, assigned); }));
  co_await when_all(std::move(checks));
}

}  // namespace

std::vector<FileReport> check_workspace(Runtime& runtime, std::vector<AsyncFile> files,
                                        const WorkspaceCheckOptions& options) {
  Run run;
  run.reports.resize(files.size());
  run.files = std::move(files);
  run.options = &options;
  runtime.block_on([&runtime, &run] { return run_phases(runtime, run); });
  return std::move(run.reports);
}

}  // namespace moonring::lua
