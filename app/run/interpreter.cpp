// lua5.4's stand-alone behaviour, reproduced on the embedded VM so that a program cannot tell
// `moonring run` from `lua5.4`: the same libraries, `arg` table, LUA_INIT, message handler
// (traceback), SIGINT handling, error reports and exit status. The functions that run inside the
// VM are plain C-style code: a Lua error is a longjmp, which must skip no C++ destructor.
#include "app/run/interpreter.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace moonring::app::run {
namespace {

const char* g_progname = "moonring";   // argv[0]: the prefix of every message, as lua.c's
lua_State* g_running = nullptr;        // the state a SIGINT interrupts
const ScriptHooks* g_hooks = nullptr;  // the run's hooks, for the message handler

struct MainArgs {
  int argc;
  char** argv;
  int script;
  const ScriptHooks* hooks;
};

void message(const char* text) {
  std::fprintf(stderr, "%s: %s\n", g_progname, text);
  std::fflush(stderr);
}

// The error at the top of the stack, if any, reported and popped.
int report(lua_State* L, int status) {
  if (status != LUA_OK) {
    const char* text = lua_tostring(L, -1);
    message(text != nullptr ? text : "(error object is not a string)");
    lua_pop(L, 1);
  }
  return status;
}

// The message handler: a string error (or what __tostring makes of it) with a traceback.
int traceback_handler(lua_State* L) {
  if (g_hooks != nullptr && g_hooks->uncaught_error != nullptr)
    g_hooks->uncaught_error(g_hooks->context, L);
  const char* text = lua_tostring(L, 1);
  if (text == nullptr) {
    if (luaL_callmeta(L, 1, "__tostring") != 0 && lua_type(L, -1) == LUA_TSTRING) return 1;
    text = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, text, 1);
  return 1;
}

void interrupt_hook(lua_State* L, lua_Debug*) {
  lua_sethook(L, nullptr, 0, 0);
  luaL_error(L, "interrupted!");
}

// SIGINT during a call: the next hook raises "interrupted!" (lua_sethook is signal-safe).
void on_interrupt(int signal_number) {
  std::signal(signal_number, SIG_DFL);  // a second SIGINT ends the process
  lua_sethook(g_running, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT,
              1);
}

// Calls the function below `nargs` arguments under the traceback handler, SIGINT armed.
int protected_call(lua_State* L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, traceback_handler);
  lua_insert(L, base);
  g_running = L;
  std::signal(SIGINT, on_interrupt);
  int status = lua_pcall(L, nargs, nresults, base);
  std::signal(SIGINT, SIG_DFL);
  lua_remove(L, base);
  return status;
}

int run_chunk(lua_State* L, int status) {
  if (status == LUA_OK) status = protected_call(L, 0, 0);
  return report(L, status);
}

// LUA_INIT_5_4, else LUA_INIT: a chunk of code, or `@FILE` to run a file.
int run_lua_init(lua_State* L) {
  const char* name = "=LUA_INIT_5_4";
  const char* init = std::getenv(name + 1);
  if (init == nullptr) {
    name = "=LUA_INIT";
    init = std::getenv(name + 1);
  }
  if (init == nullptr) return LUA_OK;
  if (init[0] == '@') return run_chunk(L, luaL_loadfile(L, init + 1));
  return run_chunk(L, luaL_loadbuffer(L, init, std::strlen(init), name));
}

// `arg`: the script at 0, its arguments at 1.., everything before it at -1, -2, ...
void create_arg_table(lua_State* L, int argc, char** argv, int script) {
  lua_createtable(L, argc - script - 1, script + 1);
  for (int i = 0; i < argc; ++i) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

// Pushes arg[1..#arg] (what the script sees as `...`); returns how many.
int push_script_args(lua_State* L) {
  if (lua_getglobal(L, "arg") != LUA_TTABLE) luaL_error(L, "'arg' is not a table");
  int n = static_cast<int>(luaL_len(L, -1));
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (int i = 1; i <= n; ++i) lua_rawgeti(L, -i, i);
  lua_remove(L, -n - 1);
  return n;
}

int run_main_script(lua_State* L, char** argv, int script) {
  const char* name = argv[script];
  // "-" is stdin, unless `--` came before it (then it is a file of that name), as in lua.c.
  if (std::strcmp(name, "-") == 0 && std::strcmp(argv[script - 1], "--") != 0) name = nullptr;
  int status = luaL_loadfile(L, name);
  if (status == LUA_OK) {
    int n = push_script_args(L);
    status = protected_call(L, n, LUA_MULTRET);
  }
  return report(L, status);
}

// The protected main: true on the stack when everything ran without error.
int protected_main(lua_State* L) {
  auto* args = static_cast<MainArgs*>(lua_touserdata(L, 1));
  luaL_checkversion(L);
  luaL_openlibs(L);
  create_arg_table(L, args->argc, args->argv, args->script);
  lua_gc(L, LUA_GCGEN, 0, 0);  // lua.c runs in generational mode
  if (run_lua_init(L) != LUA_OK) return 0;
  const ScriptHooks* hooks = args->hooks;
  if (hooks->before_script != nullptr) hooks->before_script(hooks->context, L);
  int status = run_main_script(L, args->argv, args->script);
  if (hooks->after_script != nullptr) hooks->after_script(hooks->context, L, status);
  if (status != LUA_OK) return 0;
  lua_pushboolean(L, 1);
  return 1;
}

}  // namespace

int run_script(int argc, char** argv, int script, const ScriptHooks& hooks) {
  if (argv[0] != nullptr && argv[0][0] != '\0') g_progname = argv[0];
  lua_State* L = luaL_newstate();
  if (L == nullptr) {
    message("cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  MainArgs args{argc, argv, script, &hooks};
  g_hooks = &hooks;
  lua_pushcfunction(L, protected_main);
  lua_pushlightuserdata(L, &args);
  int status = lua_pcall(L, 1, 1, 0);
  bool ok = lua_toboolean(L, -1) != 0;
  report(L, status);
  lua_close(L);
  return ok && status == LUA_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace moonring::app::run
