// Finding and reading a workspace's configuration files and merging them with the command line.
#pragma once

#include <optional>
#include <string>

#include "lang/lua/config/config.hpp"
#include "lang/lua/config/sandbox.hpp"
#include "runtime/result.hpp"

namespace moonring::lua::config {

struct ConfigFiles {
  std::optional<std::string> luacheckrc;  // root/.luacheckrc, else the nearest in a parent folder
                                          // (where luacheck itself looks)
  std::optional<std::string> luarc;       // root/.luarc.json or root/.luarc.jsonc (LuaLS's)
};
ConfigFiles find_config_files(const std::string& root);

// The whole file as text; the error names the path. Blocking: call it from the blocking pool
// when on a core.
Result<std::string> read_text_file(const std::string& path);

// defaults < .luacheckrc < .luarc.json < `command_line`. A file that fails to read, parse or run
// is an error value (naming the file); notes collect what was read but not understood.
Result<Config> load_config(const std::string& root, const Settings& command_line,
                           const SandboxLimits& limits = {});

}  // namespace moonring::lua::config
