// Checking a workspace on every core: see check_workspace.hpp for the three phases.
#include "lang/lua/services/check_workspace.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "lang/lua/services/file_check.hpp"
#include "runtime/cross_core.hpp"
#include "runtime/runtime.hpp"
#include "runtime/when.hpp"

namespace moonring::lua {
namespace {

// An undefined-global candidate kept for phase 3: positions ready for the report, the name
// interned in its shard, no message (most candidates of a workspace are assigned somewhere).
struct PendingRead {
  std::uint32_t index = 0;  // the file, in the caller's order
  std::uint32_t name = 0;   // in Shard::names
  Range range;
  LineCol start;
  LineCol end;
  std::uint32_t start_utf16 = 0;
  std::uint32_t end_utf16 = 0;
  Severity severity = Severity::Warning;
};

// The global names of a shard's pending reads, each once: phase 3 looks each name up once.
class NameIds {
 public:
  std::uint32_t intern(std::string_view name) {
    const auto found = ids_.find(name);
    if (found != ids_.end()) return found->second;
    const auto id = static_cast<std::uint32_t>(names_.size());
    names_.push_back(&ids_.emplace(std::string(name), id).first->first);
    return id;
  }
  std::size_t size() const { return names_.size(); }
  const std::string& name(std::uint32_t id) const { return *names_[id]; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<const std::string*> names_;  // by id: the map's keys (nodes do not move)
};

// What one core keeps between the phases: the globals its files assign and the reads that
// undefined-global will judge. Touched by that core only while a phase runs; the coordinator
// reads it between phases.
struct Shard {
  GlobalSet assigned;
  NameIds names;
  std::vector<PendingRead> pending;  // a file's reads together, in source order
  std::vector<std::pair<std::size_t, FileReport>> reports;  // (file index, its report)
  FileCheck scratch;  // one file's phase 1, its storage reused
};

// Shared by the cores for one run: the files to take (a core that drew small files takes more
// of them) and, once phase 1 is over, the reports, one slot per file.
struct Run {
  FileFeed* feed = nullptr;
  std::vector<FileReport> reports;
  const WorkspaceCheckOptions* options = nullptr;
};

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
      add_assigned_globals(analyze_view(content->text(), options.version), shard.assigned);
    } else {
      const FileAnalysis analysis = analyze_view(content->text(), options.version);
      add_assigned_globals(analysis, shard.assigned);
      FileCheck& checked = shard.scratch;
      check_file(analysis, options, base.inline_options, checked);
      report.diagnostics = std::move(checked.diagnostics);
      const std::size_t need = shard.pending.size() + checked.reads.size();
      if (need > shard.pending.capacity())  // geometric: a reserve per file is quadratic
        shard.pending.reserve(std::max(need, 2 * shard.pending.capacity()));
      for (const CandidateRead& read : checked.reads) {
        shard.pending.push_back({static_cast<std::uint32_t>(index), shard.names.intern(read.name),
                                 read.range, read.start, read.end, read.start_utf16, read.end_utf16,
                                 read.severity});
      }
    }
    file.release();  // the loader's memory goes back now
    if (base.on_file_analysed) base.on_file_analysed();
  }
}

// Phase 3: the pending reads of names no file assigns are undefined globals. A file's reads are
// in source order and its other diagnostics sorted already: the two runs are merged, not sorted
// (a file of a million undefined globals spent a third of its time in that sort).
void resolve_pending(Run& run, std::vector<Shard>& shards, const GlobalSet& assigned) {
  std::vector<std::pair<std::size_t, std::size_t>> touched;  // (file, diagnostics before reads)
  for (Shard& shard : shards) {
    std::vector<bool> stands(shard.names.size());  // by name id: assigned by no file
    for (std::uint32_t id = 0; id < stands.size(); ++id)
      stands[id] = !assigned.contains(shard.names.name(id));
    // Each file's reads are one run of `pending`: count them, then append them at once.
    std::vector<std::uint32_t> subject;  // name id -> index in the file's subjects
    for (auto from = shard.pending.begin(); from != shard.pending.end();) {
      const std::uint32_t index = from->index;
      auto to = from;
      std::size_t count = 0;
      for (; to != shard.pending.end() && to->index == index; ++to) count += stands[to->name];
      if (count != 0) {
        FileReport& report = run.reports[index];
        touched.emplace_back(index, report.diagnostics.size());
        report.diagnostics.reserve(report.diagnostics.size() + count);
        subject.assign(stands.size(), kNoSubject);
        for (; from != to; ++from) {
          if (!stands[from->name]) continue;
          std::uint32_t& s = subject[from->name];
          if (s == kNoSubject) {
            s = static_cast<std::uint32_t>(report.subjects.size());
            report.subjects.push_back(shard.names.name(from->name));
          }
          ReportedDiagnostic& r = report.diagnostics.emplace_back();
          r.diagnostic.code = DiagnosticCode::UndefinedGlobal;
          r.diagnostic.severity = from->severity;
          r.diagnostic.range = from->range;
          r.diagnostic.start = from->start;
          r.diagnostic.end = from->end;
          r.start_utf16 = from->start_utf16;
          r.end_utf16 = from->end_utf16;
          r.subject = s;
        }
      }
      from = to;
    }
  }
  std::sort(touched.begin(), touched.end());  // by file (each file is in one shard, in one run)
  const auto order = [](const ReportedDiagnostic& a, const ReportedDiagnostic& b) {
    return diagnostic_order(a.diagnostic, b.diagnostic);
  };
  for (const auto& [index, before] : touched) {
    auto& diagnostics = run.reports[index].diagnostics;
    const auto reads = diagnostics.begin() + static_cast<std::ptrdiff_t>(before);
    if (!std::is_sorted(reads, diagnostics.end(), order))
      std::stable_sort(reads, diagnostics.end(), order);
    std::inplace_merge(diagnostics.begin(), reads, diagnostics.end(), order);
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

std::string_view message(const FileReport& report, const ReportedDiagnostic& r,
                         std::string& scratch) {
  if (r.subject == kNoSubject) return r.diagnostic.message;
  undefined_global_message(report.subjects[r.subject], scratch);
  return scratch;
}

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
