// `moonring run`: parses the flags, then hands the script to the interpreter, with the debug
// agent joining in when a debugger flag asks for it.
#include "app/run/run_command.hpp"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/run/interpreter.hpp"
#include "app/run/run_options.hpp"
#include "lang/lua/debug/agent/agent.hpp"

namespace moonring::app {
namespace {

struct Debugging {
  lua::debug::AgentOptions options;
  char error[512] = {};
};

// Starts the agent; a failure ends the run as an error before the script would (raised once
// every C++ object here is gone, since luaL_error does not return).
void start_debugging(void* context, lua_State* L) {
  auto* debugging = static_cast<Debugging*>(context);
  {
    std::string error = lua::debug::start_agent(L, debugging->options);
    if (error.empty()) return;
    std::snprintf(debugging->error, sizeof debugging->error, "debugger: %s", error.c_str());
  }
  luaL_error(L, "%s", debugging->error);
}

void end_debugging(void*, lua_State* L, int status) {
  lua::debug::agent_program_ended(L, status == LUA_OK ? EXIT_SUCCESS : EXIT_FAILURE);
}

void uncaught_error(void*, lua_State* L) {
  lua::debug::agent_uncaught_error(L);
}

}  // namespace

int run_command(int argc, char** argv, int first) {
  run::ParsedRun parsed = run::parse_run_options(argc, argv, first);
  if (!parsed.error.empty()) {
    std::fprintf(stderr,
                 "moonring run: %s\n"
                 "usage: moonring run [--listen=HOST:PORT [--wait] | --debug-connect=HOST:PORT]\n"
                 "                    [--token=SECRET | --no-auth] [--stop-on-entry]\n"
                 "                    SCRIPT [ARGS...]\n",
                 parsed.error.c_str());
    return 2;
  }
  const run::RunOptions& o = parsed.options;
  if (o.listen.empty() && o.debug_connect.empty())
    return run::run_script(argc, argv, o.script, run::ScriptHooks{});
  Debugging debugging;
  debugging.options.listen = o.listen;
  debugging.options.connect = o.debug_connect;
  debugging.options.wait = o.wait;
  debugging.options.token = o.token;
  debugging.options.no_auth = o.no_auth;
  debugging.options.stop_on_entry = o.stop_on_entry;
  char resolved[PATH_MAX];
  if (std::strcmp(argv[o.script], "-") != 0 && ::realpath(argv[o.script], resolved) != nullptr)
    debugging.options.program = resolved;
  run::ScriptHooks hooks{&debugging, start_debugging, end_debugging, uncaught_error};
  return run::run_script(argc, argv, o.script, hooks);
}

}  // namespace moonring::app
