// What a workspace's configuration asks of the checker, as WorkspaceCheckOptions: the layers
// (.luacheckrc, .luarc.json) with a top layer over them (the command line, or the editor's
// settings), for every file, and for the files that luacheck's files["glob"] overrides reach,
// built once per distinct set of overrides when a core first meets such a file. `moonring check`
// and the language service both build their options here: one analysis, two front ends.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/config/config.hpp"
#include "lang/lua/services/check_workspace.hpp"

namespace moonring::lua {

class WorkspaceSettings {
 public:
  // `layers`: the configuration files' layers; `top`: what wins over every layer and override.
  // files["glob"] globs match paths relative to `root` (a folder; empty: the current folder).
  WorkspaceSettings(config::Config layers, config::Settings top, std::string root = {});
  WorkspaceSettings(const WorkspaceSettings&) = delete;
  WorkspaceSettings& operator=(const WorkspaceSettings&) = delete;

  // The options for files no override reaches; with files["glob"] overrides configured, its
  // for_file gives each file's own.
  WorkspaceCheckOptions& base() { return base_->options; }
  const config::Config& config() const { return base_->config; }

 private:
  struct Entry {
    config::Config config;
    config::KnownGlobals known;
    WorkspaceCheckOptions options;
  };
  static std::unique_ptr<Entry> make(config::Config config);
  // From any core: the options for `path`.
  const WorkspaceCheckOptions& for_path(std::string_view path);

  config::Config layers_;
  config::Settings top_;
  std::unique_ptr<Entry> base_;
  std::string root_;  // with a trailing '/': paths are matched relative to it
  std::mutex mutex_;
  std::map<std::vector<std::size_t>, std::unique_ptr<Entry>> by_overrides_;
};

}  // namespace moonring::lua
