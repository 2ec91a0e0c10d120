// Changes on disk made outside the editor: the client's didChangeWatchedFiles when it can
// register watchers dynamically (and accepts ours), else the workspace's inotify Watcher on the
// folders (one task reading one descriptor through the runtime). Either way they reach the
// service as files_changed, in order with the documents' updates (the work queue).
#include <chrono>
#include <string_view>

#include "lsp/language.hpp"
#include "runtime/io_op.hpp"
#include "runtime/timer.hpp"
#include "workspace/watch/watcher.hpp"

namespace moonring::lsp {
namespace {

constexpr auto kClientLimit = std::chrono::seconds(10);
// The files whose changes matter: sources and the configuration files (the service reloads
// its configuration when one of these changes).
constexpr std::string_view kWatched[] = {"*.lua", ".luarc.json", ".luarc.jsonc", ".luacheckrc"};

Task<void> under(CancellationToken token, Task<void> task) {
  detail::AmbientTokenScope scope(token);
  co_await std::move(task);
}

}  // namespace

Task<bool> Language::register_watchers() {
  if (!client_.watched_files_registration) co_return false;
  std::string params =
      "{\"registrations\":[{\"id\":\"moonring/watch\",\"method\":"
      "\"workspace/didChangeWatchedFiles\",\"registerOptions\":{\"watchers\":[";
  for (std::string_view glob : kWatched) {
    if (glob != kWatched[0]) params += ',';
    params += "{\"globPattern\":\"**/";
    params += glob;
    params += "\"}";
  }
  params += "]}}]}";
  auto answer = co_await endpoint_.request("client/registerCapability", params, kClientLimit);
  if (answer && !answer->error) co_return true;
  log(service::Sinks::Level::warning,
      "client/registerCapability: the client refused; watching the disk instead");
  co_return false;
}

void Language::start_disk_watch() {
  disk_watched_ = true;
  if (stop_.cancelled() || folders_.empty()) return;
  disk_watch_stop_ = std::make_unique<CancellationSource>();
  disk_watch_.emplace(spawn(under(disk_watch_stop_->token(), watch_disk(folders_))));
}

Task<void> Language::stop_disk_watch() {
  if (disk_watch_stop_) disk_watch_stop_->cancel();
  if (disk_watch_) {
    co_await std::move(*disk_watch_);
    disk_watch_.reset();
  }
  disk_watch_stop_.reset();
}

Task<void> Language::change_folders(std::vector<std::string> folders) {
  co_await service_->load(folders);
  if (!disk_watched_) co_return;
  co_await stop_disk_watch();
  start_disk_watch();
}

Task<void> Language::watch_disk(std::vector<std::string> roots) {
  workspace::WatchOptions options;
  options.roots = std::move(roots);
  options.associations.assign(std::begin(kWatched), std::end(kWatched));
  auto watcher = co_await workspace::Watcher::open(std::move(options));
  if (!watcher) {
    if (!current_token().cancelled())
      log(service::Sinks::Level::warning,
          "files changed outside the editor are not seen: " + watcher.error().message());
    co_return;
  }
  for (;;) {
    for (const Error& problem : watcher->take_problems())
      log(service::Sinks::Level::warning, "not watched: " + problem.message());
    auto burst = co_await watcher->next();
    if (!burst) {
      if (!current_token().cancelled())
        log(service::Sinks::Level::warning,
            "watching the workspace stopped: " + burst.error().message());
      co_return;
    }
    std::vector<std::string> changed;
    std::vector<std::string> deleted;
    bool reload = false;  // a folder went, or events were lost: load everything again
    for (workspace::WatchEvent& e : *burst) {
      if (e.kind == workspace::ChangeKind::rescan || e.directory) {
        reload = true;
      } else if (e.kind == workspace::ChangeKind::deleted) {
        deleted.push_back(std::move(e.path));
      } else if (e.kind == workspace::ChangeKind::renamed) {
        deleted.push_back(std::move(e.from));
        changed.push_back(std::move(e.path));
      } else {
        changed.push_back(std::move(e.path));
      }
    }
    if (reload) {
      enqueue([this] { return service_->load(folders_); });
    } else {
      enqueue([this, changed = std::move(changed), deleted = std::move(deleted)] {
        return service_->files_changed(changed, deleted);
      });
    }
  }
}

}  // namespace moonring::lsp
