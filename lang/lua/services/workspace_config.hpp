// The configuration of an editor's workspace: the configuration files of every workspace folder
// and the client's settings section, in LuaLS's order where both set a key: VS Code sends its
// contributed defaults with the user's settings, so a `.luarc.json` that sets a key wins over
// the client's value of it.
#pragma once

#include <string>
#include <vector>

#include "lang/lua/config/config.hpp"

namespace moonring::lua {

struct WorkspaceConfig {
  config::Config layers;  // every folder's .luacheckrc then .luarc.json, first folder first
  config::Settings top;   // the client's settings less what a .luarc.json sets
  std::vector<std::string> errors;  // a file that could not be read or parsed (skipped)
};

// Blocking (reads files): run it on the blocking pool.
WorkspaceConfig load_workspace_config(const std::vector<std::string>& roots,
                                      config::Settings client);

// `client` without the keys `luarc` sets (scalars and per-code entries); lists stay a union.
config::Settings under_file(config::Settings client, const config::Settings& luarc);

}  // namespace moonring::lua
