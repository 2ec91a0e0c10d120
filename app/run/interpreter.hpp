// The stand-alone interpreter of `moonring run`: lua5.4's behaviour (lua.c), from the state's
// creation to the exit status, with an optional hook where the debug agent joins in.
#pragma once

#include <lua.hpp>

namespace moonring::app::run {

// What the interpreter calls around the script. Both run inside the protected main function:
// `before_script` once the libraries, `arg` and LUA_INIT are in place (it may raise a Lua
// error, which ends the run like a failing script); `after_script` with the script's status.
// `uncaught_error` runs in the message handler of the script's call, with the erroring frames
// still on the stack and the error value at the top.
struct ScriptHooks {
  void* context = nullptr;
  void (*before_script)(void* context, lua_State* L) = nullptr;
  void (*after_script)(void* context, lua_State* L, int status) = nullptr;
  void (*uncaught_error)(void* context, lua_State* L) = nullptr;
};

// Runs argv[script] (a path, or "-" for stdin) with argv[script + 1..] as its arguments, as
// `lua5.4 SCRIPT ARGS...` would with every argv entry before the script as one of its options:
// messages go to stderr prefixed with argv[0], and the result is the process's exit status.
int run_script(int argc, char** argv, int script, const ScriptHooks& hooks);

}  // namespace moonring::app::run
