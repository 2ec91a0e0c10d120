// Reading LuaLS's .luarc.json (JSON with comments): runtime.version, diagnostics.globals,
// diagnostics.disable, diagnostics.severity, workspace.ignoreDir and workspace.library, in flat
// ("runtime.version"), nested ({"runtime": {"version": ...}}) or "Lua."-prefixed form.
#pragma once

#include <string>
#include <string_view>

#include "lang/lua/config/config.hpp"
#include "runtime/result.hpp"

namespace moonring::lua::config {

// `path` names the file in messages; relative workspace.library entries are resolved against
// `base_dir` (the folder of the file). Unknown keys are ignored.
Result<Settings> read_luarc(std::string_view text, const std::string& path,
                            const std::string& base_dir);

}  // namespace moonring::lua::config
