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

// What one core keeps between the phases: the globals its files assign and its files' reports,
// whose undefined_globals hold the candidates that phase 3 judges (their `subject` an id in
// `names` until then). Touched by that core only while a phase runs; the coordinator reads it
// between phases.
struct Shard {
  GlobalSet assigned;
  NameIds names;
  std::vector<std::pair<std::size_t, FileReport>> reports;  // (file index, its report)
  FileCheck scratch;                    // one file's phase 1, its storage reused
  std::vector<std::uint32_t> name_ids;  // per NameId of the file's tree: its id in `names`
};

constexpr std::uint32_t kNoId = 0xFFFFFFFFu;

// Phase 1's undefined-global candidates of one file, stored compactly in its report; the name is
// interned once per name of the file's tree, not once per read.
void keep_candidates(Shard& shard, const FileAnalysis& analysis,
                     const WorkspaceCheckOptions& options, bool inline_options,
                     FileReport& report) {
  const std::size_t globals = analysis.binding.globals.size();
  // A large file's vector is mapped pages whose untouched part costs address space only: room
  // for every global access, so that it never grows by copying. A small file's grows.
  if (globals * sizeof(UndefinedGlobalRead) >= (std::size_t{1} << 20))
    report.undefined_globals.reserve(globals);
  shard.name_ids.assign(analysis.parsed.tree.names().size(), kNoId);
  check_file(
      analysis, options, inline_options, shard.scratch,
      [&shard, &report](const CandidateRead& read, NameId id) {
        std::uint32_t name;
        if (id != kNoNode) {
          std::uint32_t& known = shard.name_ids[id];
          if (known == kNoId) known = shard.names.intern(read.name);
          name = known;
        } else {
          name = shard.names.intern(read.name);  // _ENV["x"]: no id in the tree
        }
        report.undefined_globals.push_back({read.range, read.start, read.end, read.start_utf16,
                                            read.end_utf16, name, read.severity});
      });
}

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
      add_assigned_globals(analyze_view_for_check(content->text(), options.version),
                           shard.assigned);
    } else {
      const FileAnalysis analysis = analyze_view_for_check(content->text(), options.version);
      add_assigned_globals(analysis, shard.assigned);
      keep_candidates(shard, analysis, options, base.inline_options, report);
      report.diagnostics = std::move(shard.scratch.diagnostics);
    }
    file.release();  // the loader's memory goes back now
    if (base.on_file_analysed) base.on_file_analysed();
  }
}

// Phase 3 on one core, for the files it analysed: the candidates whose name no file assigns
// are undefined globals (kept in place, their subject now the file's own), the rest dropped.
Task<void> resolve_shard(Shard& shard, const GlobalSet& assigned) {
  std::vector<bool> stands(shard.names.size());  // by name id: assigned by no file
  for (std::uint32_t id = 0; id < stands.size(); ++id)
    stands[id] = !assigned.contains(shard.names.name(id));
  std::vector<std::uint32_t> subject(stands.size(), kNoSubject);  // name id -> file's subject
  std::vector<std::uint32_t> named;                               // the ids set in `subject`
  for (auto& [index, report] : shard.reports) {
    std::vector<UndefinedGlobalRead>& reads = report.undefined_globals;
    std::size_t kept = 0;
    for (UndefinedGlobalRead read : reads) {
      if (!stands[read.subject]) continue;
      std::uint32_t& s = subject[read.subject];
      if (s == kNoSubject) {
        s = static_cast<std::uint32_t>(report.subjects.size());
        report.subjects.push_back(shard.names.name(read.subject));
        named.push_back(read.subject);
      }
      read.subject = s;
      reads[kept++] = read;
    }
    for (const std::uint32_t id : named) subject[id] = kNoSubject;
    named.clear();
    if (kept == 0) {
      reads = {};  // its memory back now
      continue;
    }
    reads.resize(kept);
    // In source order, which is by position but for a few expressions the binder visits
    // out of order: a stable sort then, as diagnostic_order would order them.
    const auto by_start = [](const UndefinedGlobalRead& a, const UndefinedGlobalRead& b) {
      return a.range.start < b.range.start;
    };
    if (!std::is_sorted(reads.begin(), reads.end(), by_start))
      std::stable_sort(reads.begin(), reads.end(), by_start);
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
  // Each core judges the reads of its own files (the set is only read meanwhile).
  std::vector<Task<void>> resolutions;
  for (unsigned c = 0; c < cores; ++c)
    resolutions.push_back(
        submit_to(c, [&shard = shards[c], &assigned] { return resolve_shard(shard, assigned); }));
  co_await when_all(std::move(resolutions));

  run.reports.resize(run.feed->size());
  for (Shard& shard : shards)
    for (auto& [index, report] : shard.reports) run.reports[index] = std::move(report);
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
