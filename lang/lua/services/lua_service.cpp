// The Lua language service: see lua_service.hpp.
#include "lang/lua/services/lua_service.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "lang/lua/config/load.hpp"
#include "lang/lua/config/luarc.hpp"
#include "lang/lua/query/summary.hpp"
#include "lang/lua/services/lua_service_trace.hpp"
#include "lang/lua/services/summary_cache.hpp"
#include "lang/lua/services/workspace_config.hpp"

#include "runtime/blocking_pool.hpp"
#include "runtime/cpus.hpp"
#include "runtime/thread.hpp"
#include "runtime/timer.hpp"
#include "workspace/discover/discover.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

namespace moonring::lua {
namespace {

using service::FileDiagnostics;
using Paths = std::shared_ptr<const std::unordered_set<std::string>>;

bool is_config_file(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  return name == ".luarc.json" || name == ".luarc.jsonc" || name == ".luacheckrc";
}

// What one core's loading left: the files it took and the globals they assign.
struct ShardLoad {
  unsigned core = 0;
  std::vector<std::string> paths;
  std::unordered_map<std::string, std::uint32_t> counts;  // of files not open in the editor
  std::vector<std::pair<std::string, query::FileSummary>> index;
};

// The feed's tag bit of a file larger than LuaService::kInteractiveFileBytes (beside
// kLibraryFile).
constexpr std::uint8_t kLargeFile = 2;

// Large files the service's core took from the feed, left for the other cores: their analysis
// would hold up a request about the open document for milliseconds. A lock per large file only.
class Handoff {
 public:
  void push(std::size_t index) {
    std::lock_guard lock(mutex_);
    files_.push_back(index);
  }
  std::optional<std::size_t> pop() {
    std::lock_guard lock(mutex_);
    if (files_.empty()) return std::nullopt;
    const std::size_t index = files_.front();
    files_.pop_front();
    return index;
  }

 private:
  std::mutex mutex_;
  std::deque<std::size_t> files_;
};

struct LoadRun {
  FileFeed* feed = nullptr;
  std::shared_ptr<WorkspaceSettings> settings;
  unsigned coordinator = 0;
  std::atomic<std::size_t>* done = nullptr;
  const service::Sinks* sinks = nullptr;
  SummaryCache* cache = nullptr;  // the persistent index, when on
  Handoff* handoff = nullptr;     // null when the service's core is the only one
};

// Phase 1 of the feed's file `index`, kept in this core's shard.
Task<void> analyse_one(ServiceShard& shard, const LoadRun& run, std::size_t index) {
  const WorkspaceCheckOptions& base = run.settings->base();
  AsyncFile& file = run.feed->at(index);
  const Result<FileContent>& content = co_await file.get();
  std::string path = file.path();
  const WorkspaceCheckOptions& options = base.for_file ? base.for_file(path) : base;
  const bool library = (run.feed->tag(index) & kLibraryFile) != 0;
  FileSummary summary;
  if (!content) {
    summary.load_error = content.error();
  } else {
    const std::string_view text = content->text();
    TracedStep step(path);
    query::FileSummary& indexed = shard.fresh.emplace_back(path, query::FileSummary{}).second;
    if (!run.cache || !run.cache->find(path, text, library, summary, indexed)) {
      const FileAnalysis analysis = analyze(text, options.version);
      indexed = query::summarize(analysis.parsed.tree, analysis.binding);
      summary = summarise(analysis, options, base.inline_options, library);
      if (run.cache) run.cache->put(path, text, library, summary, indexed);
    }
  }
  file.release();
  for (const std::string& name : summary.assigned) ++shard.loaded_counts[name];
  shard.loaded.push_back(path);
  shard.files[std::move(path)] = std::move(summary);
  run.done->fetch_add(1, std::memory_order_relaxed);
}

// Phase 1 of every file this core takes. The service's own core leaves the large files to the
// others, so a request about the open document waits for one small file at most; the other
// cores take the large files it left before the feed's next.
Task<void> analyse_into(ServiceShard& shard, LoadRun run) {
  const bool coordinator = Core::current()->id() == run.coordinator;
  auto reported = std::chrono::steady_clock::now();
  for (;;) {
    std::optional<std::size_t> taken;
    if (!coordinator) taken = run.handoff->pop();
    if (!taken) taken = co_await run.feed->take();
    if (!taken && !coordinator) taken = run.handoff->pop();
    if (!taken || current_token().cancelled()) break;
    if (coordinator && run.handoff && (run.feed->tag(*taken) & kLargeFile) != 0) {
      run.handoff->push(*taken);
      continue;
    }
    co_await analyse_one(shard, run, *taken);
    if (coordinator) {
      const auto now = std::chrono::steady_clock::now();
      if (run.sinks->progress && now - reported > std::chrono::milliseconds(50)) {
        reported = now;
        run.sinks->progress(run.done->load(std::memory_order_relaxed), run.feed->size());
      }
    }
    // Every core lets its other work in between files: on the others, what the service's core
    // asks them meanwhile (an edit's re-check during the load).
    co_await sleep(std::chrono::nanoseconds(0));
  }
}

// The large files still left when the other cores had run out of work.
Task<void> analyse_handed_off(ServiceShard& shard, LoadRun run) {
  for (;;) {
    const std::optional<std::size_t> taken = run.handoff->pop();
    if (!taken || current_token().cancelled()) break;
    co_await analyse_one(shard, run, *taken);
  }
}

// What this core's loading left (see ServiceShard): moved out, less the counts of the files the
// editor has open (their documents count instead).
ShardLoad collect(ServiceShard& shard, const Paths& open) {
  ShardLoad out;
  out.core = Core::current()->id();
  out.paths = std::move(shard.loaded);
  out.counts = std::move(shard.loaded_counts);
  out.index = std::move(shard.fresh);
  shard.loaded.clear();
  shard.loaded_counts.clear();
  shard.fresh.clear();
  for (const std::string& path : *open) {
    auto f = shard.files.find(path);
    if (f == shard.files.end()) continue;
    for (const std::string& name : f->second.assigned) {
      auto c = out.counts.find(name);
      if (c != out.counts.end() && c->second != 0) --c->second;
    }
  }
  return out;
}

// The diagnostics of a core's files that `pick` selects and the editor does not have open.
std::vector<FileDiagnostics> finish_files(const ServiceShard& shard, const Paths& open,
                                          const std::shared_ptr<const GlobalSet>& assigned,
                                          const std::function<bool(const FileSummary&)>& pick) {
  std::vector<FileDiagnostics> out;
  for (const auto& [path, summary] : shard.files) {
    if (summary.library || open->contains(path) || !pick(summary)) continue;
    out.push_back({path, std::nullopt, finish(summary, *assigned)});
  }
  return out;
}

// The diagnostics of `paths` (on this core; library files and files it does not have are left).
std::vector<FileDiagnostics> finish_listed(const ServiceShard& shard,
                                           const std::vector<std::string>& paths,
                                           const GlobalSet& assigned) {
  std::vector<FileDiagnostics> out;
  out.reserve(paths.size());
  for (const std::string& path : paths) {
    auto f = shard.files.find(path);
    if (f == shard.files.end() || f->second.library) continue;
    out.push_back({path, std::nullopt, finish(f->second, assigned)});
  }
  return out;
}

// A long loop on the service's core gives way every kSlice (sleep 0 lets the core's other tasks
// run: the reader, a request, the writer), so a request waits for one slice at most.
class Slices {
 public:
  // Reads the clock every 8 calls.
  bool due() {
    if (++calls_ % 8 != 0) return false;
    return std::chrono::steady_clock::now() - start_ > kSlice;
  }
  SleepAwaiter next() {
    start_ = std::chrono::steady_clock::now();
    return sleep(std::chrono::nanoseconds(0));
  }

 private:
  static constexpr std::chrono::microseconds kSlice{1000};
  std::uint32_t calls_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

template <typename T>
std::vector<T> concat(std::vector<T> a, std::vector<T> b) {
  if (a.empty()) return b;
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return a;
}

}  // namespace

LuaService::LuaService(service::Sinks sinks)
    : sinks_(std::move(sinks)), assigned_(std::make_shared<GlobalSet>()) {}

LuaService::~LuaService() = default;

Task<void> LuaService::stop() {
  if (started_) co_await shards_.stop();
  started_ = false;
}

Task<void> LuaService::sent() {
  if (sinks_.written) co_await sinks_.written();
  co_await sleep(std::chrono::nanoseconds(0));  // a request that came meanwhile goes first
}

void LuaService::publish(std::string path, std::optional<std::int64_t> version,
                         std::vector<service::Diagnostic> diagnostics) {
  if (sinks_.diagnostics)
    sinks_.diagnostics(FileDiagnostics{std::move(path), version, std::move(diagnostics)});
}

Task<void> LuaService::reload_settings() {
  const std::string root = roots_.empty() ? std::string(".") : roots_.front();
  std::vector<std::string> roots = roots_;
  config::Settings client = client_;
  WorkspaceConfig loaded = co_await run_blocking(
      [&roots, &client] { return load_workspace_config(roots, std::move(client)); });
  for (const std::string& error : loaded.errors)
    if (sinks_.message) sinks_.message(service::Sinks::Level::error, error);
  for (const std::string& note : loaded.layers.notes)
    if (sinks_.message) sinks_.message(service::Sinks::Level::warning, note);
  settings_ =
      std::make_shared<WorkspaceSettings>(std::move(loaded.layers), std::move(loaded.top), root);
}

const WorkspaceCheckOptions& LuaService::options_for(const std::string& path) const {
  const WorkspaceCheckOptions& base = settings_->base();
  return base.for_file ? base.for_file(path) : base;
}

Task<void> LuaService::load(std::vector<std::string> roots) {
  while (loading_) {
    co_await idle_.wait();  // false when another waiter took the turn first: look again
    if (Core::current()->token().cancelled()) co_return;
  }
  loading_ = true;
  idle_.reset();
  struct Done {
    LuaService* self;
    ~Done() {
      self->loading_ = false;
      self->idle_.set();
    }
  } done_loading{this};
  roots_ = std::move(roots);
  co_await reload_settings();
  std::vector<std::string> cache_roots = roots_;
  std::string client_settings = client_settings_;
  auto open_cache = [&cache_roots, &client_settings] {
    return SummaryCache::open(cache_roots, settings_fingerprint(cache_roots, client_settings));
  };
  std::unique_ptr<SummaryCache> cache = co_await run_blocking(open_cache);
  if (!started_) {
    co_await shards_.start();
    started_ = true;
  } else {
    co_await shards_.invoke_on_all([](ServiceShard& s) {
      s.files.clear();
      s.loaded.clear();
      s.loaded_counts.clear();
      s.fresh.clear();
    });
  }
  owner_.clear();

  // The walks on a thread of their own feed the loader and the feed; every core takes files.
  std::shared_ptr<WorkspaceSettings> settings = settings_;
  LoaderConfig loader_config;
  loader_config.threads = std::max<unsigned>(1, static_cast<unsigned>(allowed_cpus().size()) / 8);
  Loader loader(loader_config);
  FileFeed feed;
  std::vector<workspace::DiscoverProblem> problems;
  workspace::DiscoverOptions discover;
  discover.roots = roots_;
  discover.excludes = settings->config().exclude;
  std::vector<std::string> library = settings->config().library;
  std::atomic<bool> walk_stopped{false};  // the load was cancelled: the rest is not loaded
  std::thread walker = start_thread([&feed, &loader, &problems, &walk_stopped, discover, library] {
    const auto walk = [&](const workspace::DiscoverOptions& options, std::uint8_t tag) {
      workspace::discover_files(
          options, {[&](workspace::DiscoveredFile&& f) {
                      if (walk_stopped.load(std::memory_order_relaxed)) return;
                      const bool large = f.size > kInteractiveFileBytes;
                      feed.push(loader.load(std::move(f.path), f.size),
                                large ? static_cast<std::uint8_t>(tag | kLargeFile) : tag);
                    },
                    [&](workspace::DiscoverProblem&& p) { problems.push_back(std::move(p)); }});
    };
    if (!library.empty()) {
      workspace::DiscoverOptions options = discover;
      options.roots = library;
      walk(options, kLibraryFile);
    }
    walk(discover, 0);
    feed.close();
  });
  std::atomic<std::size_t> done{0};
  Handoff handoff;
  const unsigned here = Core::current()->id();
  LoadRun run{
      &feed, settings, here, &done, &sinks_, cache.get(), shards_.cores() > 1 ? &handoff : nullptr};
  // Lambdas that own captures are named before they are awaited: GCC 12 destroys such a
  // temporary twice when it is built inside the co_await expression.
  auto analyse = [run](ServiceShard& s) { return analyse_into(s, run); };
  co_await shards_.invoke_on_all(std::move(analyse));
  if (current_token().cancelled()) {
    // The session is ending (the editor, a signal): no file is taken any more.
    walk_stopped = true;
    walker.join();
    co_return;
  }
  if (run.handoff) {
    // Large files this core left after the others had stopped taking: still not analysed here.
    auto rest = [run](ServiceShard& s) { return analyse_handed_off(s, run); };
    co_await shards_.invoke_on((here + 1) % shards_.cores(), std::move(rest));
  }
  walker.join();  // over already: the feed closed when the walks ended
  if (sinks_.progress) sinks_.progress(done.load(), feed.size());
  for (const workspace::DiscoverProblem& p : problems) {
    if (p.kind == workspace::ProblemKind::vanished) continue;
    if (sinks_.message) sinks_.message(service::Sinks::Level::warning, p.message());
  }

  auto open = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& [path, _] : open_) open->insert(path);
  Paths open_paths = open;
  auto collect_shard = [open_paths](ServiceShard& s) {
    TracedStep step("load: collect");
    // Not `{collect(...)}`: an initializer list copies, every path and summary of the core.
    std::vector<ShardLoad> out;
    out.push_back(collect(s, open_paths));
    return out;
  };
  std::vector<ShardLoad> loads = co_await shards_.map_reduce(
      std::move(collect_shard), std::vector<ShardLoad>{}, concat<ShardLoad>);
  // Merged here in slices, aside: a request in between sees the index as it was.
  Slices slices;
  std::unordered_map<std::string, std::uint32_t> counts;
  query::WorkspaceIndex index;
  index.set_search(roots_);
  for (ShardLoad& l : loads) {
    for (const std::string& path : l.paths) {
      owner_[path] = l.core;
      if (slices.due()) co_await slices.next();
    }
    for (auto& [name, n] : l.counts) {
      counts[name] += n;
      if (slices.due()) co_await slices.next();
    }
    for (auto& [path, q] : l.index) {
      if (open_.count(path) == 0) index.update(std::move(path), std::move(q));
      if (slices.due()) co_await slices.next();
    }
    l.index = {};
    l.counts = {};
    if (slices.due()) co_await slices.next();
  }
  {
    // No suspension from here to the end of reanalyse_open: the open documents count on top.
    TracedStep step("load: swap in");
    counts_ = std::move(counts);
    for (const auto& [path, o] : open_)
      for (const std::string& name : o.summary.assigned) ++counts_[name];
    std::swap(index_, index);
    rebuild_assigned();
  }
  co_await reanalyse_open();
  index = {};  // the old index (a reload's): after the swap, so no request waited for it

  // Every file's diagnostics, an empty list for a clean one: finished on its core and published
  // here a batch at a time, each batch once the last one has gone out to the client, so a reply
  // never waits behind more than a batch of notifications (or a batch of work on this core).
  for (ShardLoad& l : loads) {
    for (std::size_t at = 0; at < l.paths.size(); at += kPublishBatch) {
      if (current_token().cancelled()) co_return;  // the session is ending
      const std::size_t end = std::min(l.paths.size(), at + kPublishBatch);
      auto batch = std::make_shared<std::vector<std::string>>(
          std::make_move_iterator(l.paths.begin() + static_cast<std::ptrdiff_t>(at)),
          std::make_move_iterator(l.paths.begin() + static_cast<std::ptrdiff_t>(end)));
      // Against the assigned globals of now: an edit meanwhile may have changed them (it
      // re-published the files already published); again if it did while this batch was out.
      std::vector<FileDiagnostics> finished;
      for (;;) {
        std::shared_ptr<const GlobalSet> assigned = assigned_;
        auto finish_batch = [batch, assigned](ServiceShard& s) {
          TracedStep step("load: finish batch");
          return finish_listed(s, *batch, *assigned);
        };
        finished = co_await shards_.invoke_on(l.core, std::move(finish_batch));
        if (assigned == assigned_) break;
      }
      {
        TracedStep step("load: publish batch");
        for (FileDiagnostics& f : finished) {
          // Opened since: the editor's document has its own diagnostics.
          if (open_.count(f.path) == 0)
            publish(std::move(f.path), std::nullopt, std::move(f.diagnostics));
        }
      }
      co_await sent();
    }
    l.paths = {};
  }
  for (const auto& [path, o] : open_)
    publish(path, o.document->version, finish(o.summary, *assigned_));
  if (cache) co_await save_cache(*cache);
}

// After the load's diagnostics: the persistent index written for the next start.
Task<void> LuaService::save_cache(SummaryCache& cache) {
  if (!cache.damage().empty() && sinks_.message)
    sinks_.message(service::Sinks::Level::log,
                   "persistent index rebuilt: " + std::string(cache.damage()));
  if (cache.damaged() != 0 && sinks_.message)
    sinks_.message(service::Sinks::Level::log,
                   "persistent index: " + std::to_string(cache.damaged()) +
                       " damaged records ignored, their files analysed again");
  auto save = [&cache] { return cache.save(); };
  Result<void> saved = co_await run_blocking(save);
  if (!saved && sinks_.message)
    sinks_.message(service::Sinks::Level::warning,
                   "persistent index not written: " + saved.error().message());
}

// Open documents analysed again under the current settings (their counts follow).
Task<void> LuaService::reanalyse_open() {
  GlobalSet flipped;
  for (auto& [path, o] : open_) {
    TracedStep step(path);
    const WorkspaceCheckOptions& options = options_for(path);
    auto analysis =
        std::make_shared<const FileAnalysis>(analyze(o.document->text, options.version));
    index_.update(path, query::summarize(analysis->parsed.tree, analysis->binding));
    o.analysis = analysis;
    FileSummary summary = summarise(*analysis, options, settings_->base().inline_options, false);
    recount(o.summary.assigned, summary.assigned, flipped);
    o.summary = std::move(summary);
  }
  if (flipped.size() != 0) rebuild_assigned();
  co_return;
}

void LuaService::rebuild_assigned() {
  auto set = std::make_shared<GlobalSet>();
  for (const auto& [name, n] : counts_)
    if (n != 0) set->add(name);
  assigned_ = std::move(set);
}

void LuaService::recount(const std::vector<std::string>& before,
                         const std::vector<std::string>& after, GlobalSet& flipped) {
  for (const std::string& name : before) {
    auto it = counts_.find(name);
    if (it == counts_.end() || it->second == 0) continue;
    if (--it->second == 0) flipped.add(name);
  }
  for (const std::string& name : after) {
    if (counts_[name]++ == 0) flipped.add(name);
  }
}

unsigned LuaService::owner_of(const std::string& path) {
  auto it = owner_.find(path);
  if (it != owner_.end()) return it->second;
  const unsigned core = static_cast<unsigned>(std::hash<std::string>{}(path) % shards_.cores());
  owner_.emplace(path, core);
  return core;
}

bool LuaService::in_workspace(const std::string& path) const {
  if (!path.ends_with(".lua")) return false;
  for (const std::string& root : roots_) {
    if (path.size() > root.size() && path.starts_with(root) &&
        (root.back() == '/' || path[root.size()] == '/'))
      return true;
  }
  return false;
}

Task<std::vector<std::string>> LuaService::assigned_by(const std::string& path) {
  if (auto o = open_.find(path); o != open_.end()) co_return o->second.summary.assigned;
  auto it = owner_.find(path);
  if (it == owner_.end() || !started_) co_return std::vector<std::string>{};
  auto assigned_of = [path](ServiceShard& s) {
    auto f = s.files.find(path);
    return f == s.files.end() ? std::vector<std::string>{} : f->second.assigned;
  };
  co_return co_await shards_.invoke_on(it->second, std::move(assigned_of));
}

Task<std::optional<std::vector<service::Diagnostic>>> LuaService::finished_on_disk(
    const std::string& path) {
  auto it = owner_.find(path);
  if (it == owner_.end() || !started_) co_return std::nullopt;
  std::shared_ptr<const GlobalSet> assigned = assigned_;
  auto finish_one = [path,
                     assigned](ServiceShard& s) -> std::optional<std::vector<service::Diagnostic>> {
    auto f = s.files.find(path);
    if (f == s.files.end()) return std::nullopt;
    return finish(f->second, *assigned);
  };
  co_return co_await shards_.invoke_on(it->second, std::move(finish_one));
}

Task<void> LuaService::republish(const GlobalSet& flipped, const std::string& except) {
  if (flipped.size() == 0) co_return;
  rebuild_assigned();
  std::shared_ptr<const GlobalSet> assigned = assigned_;
  auto names = std::make_shared<GlobalSet>(flipped);
  auto open = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& [path, _] : open_) open->insert(path);
  open->insert(except);
  Paths open_paths = open;
  if (started_) {
    auto finish_readers = [open_paths, assigned, names](ServiceShard& s) {
      return finish_files(s, open_paths, assigned,
                          [&names](const FileSummary& f) { return f.reads_any(*names); });
    };
    std::vector<FileDiagnostics> touched = co_await shards_.map_reduce(
        std::move(finish_readers), std::vector<FileDiagnostics>{}, concat<FileDiagnostics>);
    for (FileDiagnostics& f : touched)
      publish(std::move(f.path), std::nullopt, std::move(f.diagnostics));
  }
  for (const auto& [path, o] : open_) {
    if (path != except && o.summary.reads_any(*names))
      publish(path, o.document->version, finish(o.summary, *assigned_));
  }
}

Task<void> LuaService::open(std::string path, workspace::SnapshotPtr document) {
  co_await change(std::move(path), std::move(document));
}

Task<void> LuaService::change(std::string path, workspace::SnapshotPtr document) {
  if (!settings_) co_await reload_settings();
  // The document in front of the user first: summarised here, published before any other file.
  const WorkspaceCheckOptions& options = options_for(path);
  auto analysis = std::make_shared<const FileAnalysis>(analyze(document->text, options.version));
  FileSummary summary = summarise(*analysis, options, settings_->base().inline_options, false);
  index_.update(path, query::summarize(analysis->parsed.tree, analysis->binding));
  std::vector<std::string> before = co_await assigned_by(path);
  GlobalSet flipped;
  recount(before, summary.assigned, flipped);
  if (flipped.size() != 0) rebuild_assigned();
  const std::int64_t version = document->version;
  Open& o = open_[path];
  o.document = std::move(document);
  o.analysis = std::move(analysis);
  o.summary = std::move(summary);
  publish(path, version, finish(o.summary, *assigned_));
  co_await republish(flipped, path);
}

Task<void> LuaService::close(std::string path) {
  auto it = open_.find(path);
  if (it == open_.end()) co_return;
  std::vector<std::string> before = std::move(it->second.summary.assigned);
  open_.erase(it);
  std::vector<std::string> after = co_await assigned_by(path);  // the disk file's, if any
  GlobalSet flipped;
  recount(before, after, flipped);
  if (flipped.size() != 0) rebuild_assigned();
  std::optional<std::vector<service::Diagnostic>> on_disk = co_await finished_on_disk(path);
  publish(path, std::nullopt, on_disk ? std::move(*on_disk) : std::vector<service::Diagnostic>{});
  co_await republish(flipped, path);
  index_.remove(path);
  if (on_disk && open_.count(path) == 0) {
    auto text = co_await run_blocking([&path] { return config::read_text_file(path); });
    if (text && open_.count(path) == 0) {
      const FileAnalysis analysis = analyze(*text, options_for(path).version);
      index_.update(path, query::summarize(analysis.parsed.tree, analysis.binding));
    }
  }
}

Task<void> LuaService::refresh_disk_file(const std::string& path) {
  auto text = co_await run_blocking([&path] { return config::read_text_file(path); });
  if (!text) {
    if (sinks_.message) sinks_.message(service::Sinks::Level::warning, text.error().message());
    co_await forget_disk_file(path);
    co_return;
  }
  const unsigned core = owner_of(path);
  std::shared_ptr<WorkspaceSettings> settings = settings_;
  auto content = std::make_shared<std::string>(std::move(*text));
  auto resummarise = [path, settings, content](ServiceShard& s) {
    const WorkspaceCheckOptions& base = settings->base();
    const WorkspaceCheckOptions& options = base.for_file ? base.for_file(path) : base;
    FileSummary& slot = s.files[path];
    std::vector<std::string> old = std::move(slot.assigned);
    const FileAnalysis analysis = analyze(*content, options.version);
    slot = summarise(analysis, options, base.inline_options, false);
    return std::make_tuple(std::move(old), slot.assigned,
                           query::summarize(analysis.parsed.tree, analysis.binding));
  };
  auto [before, after, indexed] = co_await shards_.invoke_on(core, std::move(resummarise));
  if (open_.count(path) != 0) co_return;  // the editor's document is what counts
  index_.update(path, std::move(indexed));
  GlobalSet flipped;
  recount(before, after, flipped);
  if (flipped.size() != 0) rebuild_assigned();
  std::optional<std::vector<service::Diagnostic>> finished = co_await finished_on_disk(path);
  publish(path, std::nullopt, finished ? std::move(*finished) : std::vector<service::Diagnostic>{});
  co_await republish(flipped, path);
}

Task<void> LuaService::forget_disk_file(const std::string& path) {
  auto it = owner_.find(path);
  if (it == owner_.end()) co_return;
  const unsigned core = it->second;
  owner_.erase(it);
  auto erase = [path](ServiceShard& s) {
    auto f = s.files.find(path);
    if (f == s.files.end()) return std::vector<std::string>{};
    std::vector<std::string> old = std::move(f->second.assigned);
    s.files.erase(f);
    return old;
  };
  std::vector<std::string> before = co_await shards_.invoke_on(core, std::move(erase));
  if (open_.count(path) != 0) co_return;
  index_.remove(path);
  GlobalSet flipped;
  recount(before, {}, flipped);
  publish(path, std::nullopt, {});
  co_await republish(flipped, path);
}

Task<void> LuaService::files_changed(std::vector<std::string> changed,
                                     std::vector<std::string> deleted) {
  if (!started_) co_return;  // not loaded yet: the load will read them
  bool reconfigure = false;
  for (const auto& list : {std::cref(changed), std::cref(deleted)})
    for (const std::string& p : list.get()) reconfigure = reconfigure || is_config_file(p);
  if (reconfigure) {
    co_await load(roots_);
    co_return;
  }
  for (const std::string& path : deleted) co_await forget_disk_file(path);
  for (const std::string& path : changed)
    if (in_workspace(path)) co_await refresh_disk_file(path);
}

Task<Result<void>> LuaService::configure(std::string_view settings_json) {
  Result<void> outcome;
  config::Settings client;
  if (!settings_json.empty() && settings_json != "null") {
    const std::string root = roots_.empty() ? std::string(".") : roots_.front();
    auto read = config::read_luarc(settings_json, "the client's Lua settings", root);
    if (!read) {
      outcome = read.error();
    } else {
      client = std::move(*read);
    }
  }
  if (outcome) {
    client_ = std::move(client);
    client_settings_ = settings_json;
  }
  if (started_) co_await load(roots_);
  co_return outcome;
}

Task<std::optional<FileDiagnostics>> LuaService::diagnostics(std::string path, CancellationToken) {
  if (auto o = open_.find(path); o != open_.end())
    co_return FileDiagnostics{path, o->second.document->version,
                              finish(o->second.summary, *assigned_)};
  std::optional<std::vector<service::Diagnostic>> finished = co_await finished_on_disk(path);
  if (!finished) co_return std::nullopt;
  co_return FileDiagnostics{path, std::nullopt, std::move(*finished)};
}

Task<std::vector<FileDiagnostics>> LuaService::all_diagnostics(CancellationToken) {
  std::vector<FileDiagnostics> all;
  auto open = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& [path, _] : open_) open->insert(path);
  Paths open_paths = open;
  if (started_) {
    std::shared_ptr<const GlobalSet> assigned = assigned_;
    auto finish_all = [open_paths, assigned](ServiceShard& s) {
      return finish_files(s, open_paths, assigned, [](const FileSummary&) { return true; });
    };
    all = co_await shards_.map_reduce(std::move(finish_all), std::vector<FileDiagnostics>{},
                                      concat<FileDiagnostics>);
  }
  for (const auto& [path, o] : open_)
    all.push_back({path, o.document->version, finish(o.summary, *assigned_)});
  co_return all;
}

}  // namespace moonring::lua
