// The Lua language service's load of a workspace: each core analyses the files it takes from the
// feed, the service's core merges what they found, and the diagnostics are published.
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
#include "lang/lua/services/lua_service_internal.hpp"
#include "lang/lua/services/lua_service_trace.hpp"
#include "lang/lua/services/summary_cache.hpp"
#include "lang/lua/services/workspace_config.hpp"

#include "runtime/blocking_pool.hpp"
#include "runtime/cpus.hpp"
#include "runtime/message.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/thread.hpp"
#include "runtime/timer.hpp"
#include "workspace/discover/discover.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

namespace moonring::lua {
namespace {

using service::FileDiagnostics;
using service_parts::concat;
using service_parts::finish_files;
using service_parts::is_config_file;
using service_parts::Paths;

// What one core's loading left: the files it took and the globals they assign.
struct ShardLoad {
  unsigned core = 0;
  std::vector<std::string> paths;
  std::unordered_map<std::string, std::uint32_t> counts;  // of files not open in the editor
  std::vector<std::pair<std::string, query::FileSummary>> index;
  std::vector<std::string> publish;  // what the load's end publishes (ServiceShard::unpublished)
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

// Settled diagnostics go to the service's core this many files at a time; each core keeps the
// last of them for the load's end. While more than kSettledBacklog bytes wait to go out to the
// client, settled files are left for the end too (it publishes at the client's pace): a reply
// queues behind what was sent before it.
constexpr std::size_t kSettledBatch = 16;
constexpr std::size_t kSettledBacklog = 256 * 1024;
// Nor while requests come: one answered within this long holds settled files back for the end.
constexpr std::chrono::milliseconds kQueriesLately{100};

// What the walk saw of each file it fed, by the file's place in the feed (one walker pushes to
// both, in the same order): its size and stamp, and for a file whose stamp the persistent index
// knows, its path and the record of its content: that file is not read (the feed holds an empty
// handle for it). A lock per file, as the feed's own.
class Walked {
 public:
  struct Entry {
    std::string path;  // only with `content`
    std::uint64_t size = 0;
    workspace::FileStamp stamp;
    std::optional<persist::Key> content;
  };
  void push(Entry entry) {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  // Once per file, from the core that took it.
  Entry take(std::size_t index) {
    std::lock_guard lock(mutex_);
    return std::move(entries_[index]);
  }

 private:
  std::mutex mutex_;
  std::deque<Entry> entries_;
};

struct LoadRun {
  FileFeed* feed = nullptr;
  std::shared_ptr<WorkspaceSettings> settings;
  unsigned coordinator = 0;
  std::atomic<std::size_t>* done = nullptr;
  const service::Sinks* sinks = nullptr;
  SummaryCache* cache = nullptr;  // the persistent index, when on
  Handoff* handoff = nullptr;     // null when the service's core is the only one
  Walked* walked = nullptr;       // with the persistent index only
  // Publishes settled files; called on the coordinator only. Lives in load()'s frame, which
  // waits for every core's analysis: a core's hand-over, posted before its analysis ends, runs
  // before that end is seen (messages between two cores keep their order).
  std::function<void(std::vector<FileDiagnostics>)>* publish_settled = nullptr;
  // Set by the coordinator while the client is behind or asking (`busy`, kSettledBacklog).
  std::atomic<bool>* backlogged = nullptr;
  const std::function<bool()>* busy = nullptr;  // on the coordinator only
};

// Hands this core's settled diagnostics to the coordinator, a batch at a time, all but the last
// file: what a core still has when its analysis ends is published after the index is swapped in,
// so a client that saw every file's diagnostics is never answered from a partial index.
void hand_over_settled(ServiceShard& shard, const LoadRun& run) {
  if (shard.settled.size() <= kSettledBatch) return;
  FileDiagnostics kept = std::move(shard.settled.back());
  shard.settled.pop_back();
  std::vector<FileDiagnostics> files = std::move(shard.settled);
  shard.settled.clear();
  shard.settled.push_back(std::move(kept));
  Core* here = Core::current();
  if (here->id() == run.coordinator) {
    (*run.publish_settled)(std::move(files));
    return;
  }
  auto* publish = run.publish_settled;
  here->runtime().core(run.coordinator).post(Message([publish, files = std::move(files)]() mutable {
    (*publish)(std::move(files));
  }));
}

// Phase 1 of a file's `text`: its summaries from the persistent index when it has them, else
// analysed (and recorded there, with the stamp the walk saw when it has one).
void summarise_text(const LoadRun& run, const std::string& path, std::string_view text,
                    bool library, const Walked::Entry& walked, FileSummary& summary,
                    query::FileSummary& indexed) {
  TracedStep step(path);
  if (run.cache && run.cache->find(path, text, library, summary, indexed)) return;
  const WorkspaceCheckOptions& base = run.settings->base();
  const WorkspaceCheckOptions& options = base.for_file ? base.for_file(path) : base;
  const FileAnalysis analysis = analyze(text, options.version);
  indexed = query::summarize(analysis.parsed.tree, analysis.binding);
  summary = summarise(analysis, options, base.inline_options, library);
  if (run.cache) run.cache->put(path, text, library, summary, indexed, &walked.stamp, walked.size);
}

// Phase 1 of the feed's file `index`, kept in this core's shard.
Task<void> analyse_one(ServiceShard& shard, const LoadRun& run, std::size_t index) {
  const bool library = (run.feed->tag(index) & kLibraryFile) != 0;
  Walked::Entry walked = run.walked ? run.walked->take(index) : Walked::Entry{};
  FileSummary summary;
  std::string path;
  if (walked.content) {
    // Unchanged since an earlier load recorded it: not read (the feed holds no content).
    path = std::move(walked.path);
    query::FileSummary indexed;
    bool found = false;
    {
      TracedStep step(path);
      found = run.cache->find(*walked.content, summary, indexed);
    }
    if (!found) {
      // Its record was damaged or dropped: the file is read after all.
      summary = {};
      indexed = {};
      auto read = [&path] { return config::read_text_file(path); };
      Result<std::string> text = co_await run_blocking(read);
      if (text) summarise_text(run, path, *text, library, walked, summary, indexed);
      if (!text) summary.load_error = text.error();
      found = static_cast<bool>(text);
    }
    if (found) shard.fresh.emplace_back(path, std::move(indexed));
  } else {
    AsyncFile& file = run.feed->at(index);
    const Result<FileContent>& content = co_await file.get();
    path = file.path();
    if (!content) {
      summary.load_error = content.error();
    } else {
      query::FileSummary& indexed = shard.fresh.emplace_back(path, query::FileSummary{}).second;
      summarise_text(run, path, content->text(), library, walked, summary, indexed);
    }
    file.release();
  }
  // Without candidate reads of undefined globals no other file changes its diagnostics: they
  // are final now (the load's end publishes the others, once every file's globals are known).
  if (!summary.library) {
    if (summary.read_names.empty() && !run.backlogged->load(std::memory_order_relaxed)) {
      shard.settled.push_back({path, std::nullopt, finish(summary, GlobalSet{})});
    } else {
      shard.unpublished.push_back(path);
    }
  }
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
    hand_over_settled(shard, run);
    if (coordinator) {
      run.backlogged->store((*run.busy)(), std::memory_order_relaxed);
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
    hand_over_settled(shard, run);
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
  out.publish = std::move(shard.unpublished);
  shard.unpublished.clear();
  for (FileDiagnostics& f : shard.settled) out.publish.push_back(std::move(f.path));
  shard.settled.clear();
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

}  // namespace

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
  trace_mark("load: begin");
  co_await reload_settings();
  trace_mark("load: settings read");
  std::vector<std::string> cache_roots = roots_;
  std::string client_settings = client_settings_;
  auto open_cache = [&cache_roots, &client_settings] {
    return SummaryCache::open(cache_roots, settings_fingerprint(cache_roots, client_settings));
  };
  std::unique_ptr<SummaryCache> cache = co_await run_blocking(open_cache);
  trace_mark("load: cache opened");
  if (!started_) {
    co_await shards_.start();
    started_ = true;
  } else {
    co_await shards_.invoke_on_all([](ServiceShard& s) {
      s.files.clear();
      s.loaded.clear();
      s.loaded_counts.clear();
      s.fresh.clear();
      s.settled.clear();
      s.unpublished.clear();
    });
  }
  owner_.clear();
  trace_mark("load: shards started");

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
  Walked walked;
  Walked* stamps = cache ? &walked : nullptr;
  const SummaryCache* index_file = cache.get();
  std::thread walker = start_thread(
      [&feed, &loader, &problems, &walk_stopped, stamps, index_file, discover, library] {
        const auto walk = [&](const workspace::DiscoverOptions& options, std::uint8_t tag) {
          workspace::discover_files(
              options, {[&](workspace::DiscoveredFile&& f) {
                          if (walk_stopped.load(std::memory_order_relaxed)) return;
                          if (stamps) {
                            Walked::Entry entry{{}, f.size, f.stamp, std::nullopt};
                            entry.content = index_file->unchanged(f.path, (tag & kLibraryFile) != 0,
                                                                  f.size, f.stamp);
                            if (entry.content) {
                              entry.path = std::move(f.path);
                              stamps->push(std::move(entry));
                              feed.push(AsyncFile{}, tag);  // not read: see Walked
                              return;
                            }
                            stamps->push(std::move(entry));
                          }
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
        trace_mark("load: walked");
        feed.close();
      });
  std::atomic<std::size_t> done{0};
  Handoff handoff;
  const unsigned here = Core::current()->id();
  // A hand-over from another core runs as a message on this one, outside the load's task: it
  // looks at the load's own token.
  const CancellationToken load_token = current_token();
  // Whether the client is behind (kSettledBacklog) or asking (kQueriesLately): looked at now,
  // after each settled hand-over and after each file the coordinator analyses.
  const std::function<bool()> busy = [this] {
    if (sinks_.unsent && sinks_.unsent() > kSettledBacklog) return true;
    return std::chrono::steady_clock::now() - last_query_ < kQueriesLately;
  };
  std::atomic<bool> backlogged{busy()};
  std::function<void(std::vector<FileDiagnostics>)> settled =
      [this, load_token, &backlogged, &busy](std::vector<FileDiagnostics> files) {
        if (load_token.cancelled()) return;
        publish_settled(std::move(files));
        backlogged.store(busy(), std::memory_order_relaxed);
      };
  LoadRun run{&feed,
              settings,
              here,
              &done,
              &sinks_,
              cache.get(),
              shards_.cores() > 1 ? &handoff : nullptr,
              stamps,
              &settled,
              &backlogged,
              &busy};
  // Lambdas that own captures are named before they are awaited: GCC 12 destroys such a
  // temporary twice when it is built inside the co_await expression.
  auto analyse = [run](ServiceShard& s) { return analyse_into(s, run); };
  co_await shards_.invoke_on_all(std::move(analyse));
  trace_mark("load: analysed");
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
  trace_mark("load: handed-off analysed");
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
  trace_mark("load: collected");
  // Merged here in slices, aside: a request in between sees the index as it was.
  Slices slices;
  std::unordered_map<std::string, std::uint32_t> counts;
  query::WorkspaceIndex index;
  index.set_search(roots_);
  {
    // Every table at its final size first: growing one rehashes it whole, a step no slice
    // divides (tens of ms on 1 GB).
    std::size_t files = 0, names = 0;
    for (const ShardLoad& l : loads) {
      files += l.paths.size();
      names += l.counts.size();
    }
    owner_.reserve(owner_.size() + files);
    counts.reserve(names);
    index.reserve(files);
  }
  for (ShardLoad& l : loads) {
    for (std::string& path : l.paths) {
      owner_.insert_or_assign(std::move(path), l.core);  // moved: freeing 48,000 paths is 5 ms
      if (slices.due()) co_await slices.next();
    }
    l.paths = {};
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
  trace_mark("load: merged");
  index = {};  // the old index (a reload's): after the swap, so no request waited for it

  // Every file's diagnostics, an empty list for a clean one: finished on its core and published
  // here a batch at a time, at the client's pace (handled()): a reply never waits behind more
  // than two batches of notifications (or a batch of work on this core).
  std::optional<JoinHandle<void>> round_trip;  // started after the last batch
  for (ShardLoad& l : loads) {
    for (std::size_t at = 0; at < l.publish.size(); at += kPublishBatch) {
      if (current_token().cancelled()) {  // the session is ending
        if (round_trip) co_await std::move(*round_trip);
        co_return;
      }
      const std::size_t end = std::min(l.publish.size(), at + kPublishBatch);
      auto batch = std::make_shared<std::vector<std::string>>(
          std::make_move_iterator(l.publish.begin() + static_cast<std::ptrdiff_t>(at)),
          std::make_move_iterator(l.publish.begin() + static_cast<std::ptrdiff_t>(end)));
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
      if (finished.empty()) continue;
      if (round_trip) co_await std::move(*round_trip);  // the batch before this one was handled
      round_trip.emplace(spawn(handled()));
      co_await sleep(std::chrono::nanoseconds(0));  // a request that came meanwhile goes first
    }
    l.publish = {};
  }
  if (round_trip) co_await std::move(*round_trip);
  for (const auto& [path, o] : open_)
    publish(path, o.document->version, finish(o.summary, *assigned_));
  trace_mark("load: all published");
  if (cache) co_await save_cache(*cache);
  trace_mark("load: cache saved");
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

}  // namespace moonring::lua
