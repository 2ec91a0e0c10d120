// The "all" exception filter: errors that pcall, xpcall and coroutine.resume catch. While the
// filter is on, the globals pcall and xpcall are replaced by versions that run the protected call
// with a message handler; the handler runs where the error was raised, with its frames still on
// the stack, and stops there before the error is caught (xpcall's own handler runs after).
// coroutine.resume is replaced by a version that stops when the coroutine it ran died of an
// error, on the coroutine's frames (a dead coroutine keeps them). The replacements keep the
// originals' results and, where the original can be yielded across, stay yieldable: lua_pcallk
// on 5.2 and later, Lua functions over xpcall on LuaJIT; 5.1's pcall cannot be yielded across,
// so a plain lua_pcall matches it. When the filter goes off, the originals come back.
#include <string>

#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

// registry: while the filter is on, {pcall = original, xpcall = original, resume = original,
// coroutine = the table resume was replaced in, ["our " .. name] = each replacement}.
char kSavedKey;

// The message handler: stops (when the filter asks), then hands the error to xpcall's handler,
// its upvalue, if there is one.
int on_caught(lua_State* L) {
  lua_settop(L, 1);
  agent_error_raised(L, true);
  if (lua_isnoneornil(L, lua_upvalueindex(1))) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

#if LUA_VERSION_NUM >= 502
// After the protected call, whether it returned or resumed after a yield. The stack is
// [handler, true, results...] or [handler, true, error].
int after_call(lua_State* L, int status, lua_KContext) {
  if (status == LUA_OK || status == LUA_YIELD) return lua_gettop(L) - 1;
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

// [handler, f, args...] -> the protected call of f with the handler, true below its results.
int call_with(lua_State* L) {
  lua_pushboolean(L, 1);
  lua_insert(L, 2);
  int status = lua_pcallk(L, lua_gettop(L) - 3, LUA_MULTRET, 1, 0, after_call);
  return after_call(L, status, 0);
}

int caught_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushcfunction(L, on_caught);
  lua_insert(L, 1);
  return call_with(L);
}

int caught_xpcall(lua_State* L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);  // [f, h, args...]
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, on_caught, 1);
  lua_insert(L, 1);  // [handler, f, h, args...]
  lua_remove(L, 3);
  return call_with(L);
}

// Pushes the replacements of pcall and xpcall (`xpcall`: the original, at the top, popped).
void push_replacements(lua_State* L) {
  lua_pop(L, 1);
  lua_pushcfunction(L, caught_pcall);
  lua_pushcfunction(L, caught_xpcall);
}
#elif defined(MOONRING_LUAJIT)
// LuaJIT's pcall and xpcall can be yielded across, a C function's lua_pcall cannot: the
// replacements are Lua functions over its xpcall, which passes on extra arguments.
constexpr char kReplacements[] =
    "local xpcall, on_caught = ...\n"
    "return function(f, ...) return xpcall(f, on_caught, ...) end,\n"
    "  function(f, h, ...) return xpcall(f, function(e) return h(on_caught(e)) end, ...) end\n";

void push_replacements(lua_State* L) {
  if (luaL_loadbuffer(L, kReplacements, sizeof kReplacements - 1, "=(moonring debug)") != 0) {
    lua_pop(L, 2);
    lua_pushnil(L);
    lua_pushnil(L);
    return;
  }
  lua_insert(L, -2);
  lua_pushcfunction(L, on_caught);
  lua_call(L, 2, 2);
}
#else
// Lua 5.1: its own pcall and xpcall cannot be yielded across either.
int caught_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushcfunction(L, on_caught);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 1);
  lua_pushboolean(L, status == 0);
  lua_replace(L, 1);  // the handler's slot
  return lua_gettop(L);
}

int caught_xpcall(lua_State* L) {
  luaL_checkany(L, 2);
  lua_settop(L, 2);  // 5.1's xpcall passes no arguments
  lua_pushcclosure(L, on_caught, 1);
  lua_insert(L, 1);  // [handler, f]
  int status = lua_pcall(L, 0, LUA_MULTRET, 1);
  lua_pushboolean(L, status == 0);
  lua_replace(L, 1);
  return lua_gettop(L);
}

void push_replacements(lua_State* L) {
  lua_pop(L, 1);
  lua_pushcfunction(L, caught_pcall);
  lua_pushcfunction(L, caught_xpcall);
}
#endif

// coroutine.resume over the original (upvalue 1): when the coroutine it ran died of an error
// (runnable before, an error status after), stops first on the coroutine's frames.
int caught_resume(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  bool runnable = co != nullptr && co != L && lua_status(co) <= LUA_YIELD;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  if (runnable && lua_status(co) > LUA_YIELD && lua_gettop(L) >= 2 && !lua_toboolean(L, 1)) {
    lua_pushvalue(L, 2);
    agent_error_raised(L, true, co);
    lua_pop(L, 1);
  }
  return lua_gettop(L);
}

// saved[name] = table[name], then saved["our " .. name] and table[name] = the replacement at
// the top (popped; a nil one changes nothing). `saved` and `table`: absolute indices.
void replace(lua_State* L, int saved, int table, const char* name) {
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  std::string ours = std::string("our ") + name;
  lua_getfield(L, table, name);
  lua_setfield(L, saved, name);
  lua_pushvalue(L, -1);
  lua_setfield(L, saved, ours.c_str());
  lua_setfield(L, table, name);
}

// [saved, table]: table[name] = saved[name] where table[name] is still our replacement.
void restore(lua_State* L, const char* name) {
  std::string ours = std::string("our ") + name;
  lua_getfield(L, -1, name);
  lua_getfield(L, -3, ours.c_str());
  bool still_ours = !lua_isnil(L, -1) && lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 2);
  if (!still_ours) return;
  lua_getfield(L, -2, name);
  lua_setfield(L, -2, name);
}

}  // namespace

void Agent::catch_errors(lua_State* L, bool on) {
  compat::push_registry_entry(L, &kSavedKey);
  bool installed = lua_istable(L, -1);
  if (on == installed) {
    lua_pop(L, 1);
    return;
  }
  if (on) {
    lua_pop(L, 1);
    lua_newtable(L);
    int saved = lua_gettop(L);
    compat::push_globals(L);
    int globals = lua_gettop(L);
    lua_getfield(L, globals, "xpcall");
    push_replacements(L);  // [saved, globals, pcall', xpcall']
    replace(L, saved, globals, "xpcall");
    replace(L, saved, globals, "pcall");
    lua_getfield(L, globals, "coroutine");
    if (lua_istable(L, -1)) {
      int coroutine = lua_gettop(L);
      lua_pushvalue(L, coroutine);
      lua_setfield(L, saved, "coroutine");
      lua_getfield(L, coroutine, "resume");
      if (lua_isfunction(L, -1)) {
        lua_pushcclosure(L, caught_resume, 1);
      } else {
        lua_pop(L, 1);
        lua_pushnil(L);
      }
      replace(L, saved, coroutine, "resume");
    }
    lua_settop(L, saved);
    compat::set_registry_entry(L, &kSavedKey);
    return;
  }
  // Off: the originals come back where the program has not replaced ours since.
  compat::push_globals(L);
  restore(L, "pcall");
  restore(L, "xpcall");
  lua_pop(L, 1);
  lua_getfield(L, -1, "coroutine");
  if (lua_istable(L, -1)) restore(L, "resume");
  lua_pop(L, 2);
  lua_pushnil(L);
  compat::set_registry_entry(L, &kSavedKey);
}

}  // namespace moonring::lua::debug
