// Reading luacheck's .luacheckrc (Lua code, run in the sandbox): std, globals, read_globals,
// new_globals, new_read_globals, ignore, enable, exclude_files, files[...], stds, and the
// switches global/unused/unused_args/redefined.
#pragma once

#include <string>
#include <string_view>

#include "lang/lua/config/config.hpp"
#include "lang/lua/config/lua_value.hpp"
#include "lang/lua/config/sandbox.hpp"
#include "runtime/result.hpp"

namespace moonring::lua::config {

Result<Settings> read_luacheckrc(std::string_view text, const std::string& path,
                                 const SandboxLimits& limits = {});

// The options of an evaluated config (the table run_sandboxed returns); exposed for tests.
Result<Settings> luacheck_options(const LuaValue& options, const std::string& path);

// luacheck's std string: "lua51", "lua53c", "max", "min", "none", "luajit", "lua51+busted",
// "+busted" (adds to the default). Names unknown here go into `notes`.
void apply_luacheck_std(std::string_view std, const LuaValue* custom_stds, Settings& settings);

}  // namespace moonring::lua::config
