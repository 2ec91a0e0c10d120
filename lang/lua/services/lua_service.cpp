// The Lua language service: see lua_service.hpp.
#include "lang/lua/services/lua_service.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <unordered_set>

#include "lang/lua/config/load.hpp"
#include "lang/lua/config/luarc.hpp"
#include "lang/lua/query/summary.hpp"
#include "lang/lua/services/lua_service_internal.hpp"
#include "lang/lua/services/lua_service_trace.hpp"
#include "lang/lua/services/summary_cache.hpp"
#include "lang/lua/services/workspace_config.hpp"

#include "runtime/blocking_pool.hpp"
#include "runtime/runtime.hpp"
#include "runtime/timer.hpp"

namespace moonring::lua {

namespace service_parts {

bool is_config_file(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  return name == ".luarc.json" || name == ".luarc.jsonc" || name == ".luacheckrc";
}

// The diagnostics of a core's files that `pick` selects and the editor does not have open.
std::vector<service::FileDiagnostics> finish_files(
    const ServiceShard& shard, const Paths& open, const std::shared_ptr<const GlobalSet>& assigned,
    const std::function<bool(const FileSummary&)>& pick) {
  std::vector<service::FileDiagnostics> out;
  for (const auto& [path, summary] : shard.files) {
    if (summary.library || open->contains(path) || !pick(summary)) continue;
    out.push_back({path, std::nullopt, finish(summary, *assigned)});
  }
  return out;
}

}  // namespace service_parts

using service::FileDiagnostics;
using service_parts::concat;
using service_parts::finish_files;
using service_parts::is_config_file;
using service_parts::Paths;

LuaService::LuaService(service::Sinks sinks)
    : sinks_(std::move(sinks)), assigned_(std::make_shared<GlobalSet>()) {}

LuaService::~LuaService() = default;

Task<void> LuaService::stop() {
  if (started_) co_await shards_.stop();
  started_ = false;
}

Task<void> LuaService::handled() {
  if (sinks_.handled)
    co_await sinks_.handled();
  else if (sinks_.written)
    co_await sinks_.written();
}

void LuaService::publish(std::string path, std::optional<std::int64_t> version,
                         std::vector<service::Diagnostic> diagnostics) {
  if (sinks_.diagnostics)
    sinks_.diagnostics(FileDiagnostics{std::move(path), version, std::move(diagnostics)});
}

void LuaService::publish_settled(std::vector<FileDiagnostics> files) {
  TracedStep step("load: publish settled");
  for (FileDiagnostics& f : files) {
    // Opened since: the editor's document has its own diagnostics.
    if (open_.count(f.path) == 0)
      publish(std::move(f.path), std::nullopt, std::move(f.diagnostics));
  }
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
