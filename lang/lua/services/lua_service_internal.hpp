// What the parts of the Lua language service share (lua_service.cpp, lua_service_load.cpp).
#pragma once

#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lang/lua/services/lua_service.hpp"

namespace moonring::lua::service_parts {

using Paths = std::shared_ptr<const std::unordered_set<std::string>>;

// .luarc.json, .luarc.jsonc, .luacheckrc: a change to one reconfigures the workspace.
bool is_config_file(std::string_view path);

// The diagnostics of a core's files that `pick` selects and the editor does not have open.
std::vector<service::FileDiagnostics> finish_files(
    const ServiceShard& shard, const Paths& open, const std::shared_ptr<const GlobalSet>& assigned,
    const std::function<bool(const FileSummary&)>& pick);

template <typename T>
std::vector<T> concat(std::vector<T> a, std::vector<T> b) {
  if (a.empty()) return b;
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return a;
}

}  // namespace moonring::lua::service_parts
