// What the configuration asks of `moonring check`, as lua::WorkspaceCheckOptions: the layers
// (.luacheckrc, .luarc.json) with the command line on top, for every file, and for the files that
// luacheck's files["glob"] overrides reach, built once per distinct set of overrides when a core
// first meets such a file.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/config/config.hpp"
#include "lang/lua/services/check_workspace.hpp"

namespace moonring::app {

class CheckSettings {
 public:
  // `layers`: the configuration files' layers; `command_line`: what the arguments set, which
  // wins over every layer and override.
  CheckSettings(lua::config::Config layers, lua::config::Settings command_line);

  // The options for files no override reaches; with files["glob"] overrides configured, its
  // for_file gives each file's own.
  lua::WorkspaceCheckOptions& base() { return base_->options; }
  const lua::config::Config& config() const { return base_->config; }

 private:
  struct Entry {
    lua::config::Config config;
    lua::config::KnownGlobals known;
    lua::WorkspaceCheckOptions options;
  };
  static std::unique_ptr<Entry> make(lua::config::Config config);
  // From any core: the options for `path`, as the walks report it.
  const lua::WorkspaceCheckOptions& for_path(std::string_view path);

  lua::config::Config layers_;
  lua::config::Settings command_line_;
  std::unique_ptr<Entry> base_;
  std::string cwd_;  // the current folder with a trailing '/': paths are matched relative to it
  std::mutex mutex_;
  std::map<std::vector<std::size_t>, std::unique_ptr<Entry>> by_overrides_;
};

}  // namespace moonring::app
