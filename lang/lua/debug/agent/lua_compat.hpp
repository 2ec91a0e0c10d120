// The one place where Lua 5.4, 5.1 and LuaJIT differ for the agent: the same agent source
// builds against each VM's headers (liblua5.4, liblua5.1, libluajit-5.1).
#pragma once

#include <lua.hpp>

#include <cstdint>

namespace moonring::lua::debug::compat {

#if LUA_VERSION_NUM >= 502
constexpr bool kHasVarargLocals = true;  // lua_getlocal with a negative index
constexpr int kHookTailCall = LUA_HOOKTAILCALL;
#else
constexpr bool kHasVarargLocals = false;
constexpr int kHookTailCall = -1;  // 5.1 reports tail returns instead
#endif
#ifndef LUA_OK
#define LUA_OK 0
#endif

// "Lua 5.4", "Lua 5.1" or "LuaJIT 2.1" (docs/debugger.md's luaVersion).
inline const char* version_name() {
#if defined(MOONRING_LUAJIT)
  return "LuaJIT 2.1";
#elif LUA_VERSION_NUM == 504
  return "Lua 5.4";
#elif LUA_VERSION_NUM == 501
  return "Lua 5.1";
#else
  return LUA_VERSION;
#endif
}

inline void push_globals(lua_State* L) {
#if LUA_VERSION_NUM >= 502
  lua_pushglobaltable(L);
#else
  lua_pushvalue(L, LUA_GLOBALSINDEX);
#endif
}

inline int absolute(lua_State* L, int index) {
  return index > 0 || index <= LUA_REGISTRYINDEX ? index : lua_gettop(L) + index + 1;
}

inline size_t raw_length(lua_State* L, int index) {
#if LUA_VERSION_NUM >= 502
  return lua_rawlen(L, index);
#else
  return lua_objlen(L, index);
#endif
}

// The integer in a number when the VM has integers and the value is one.
inline bool is_integer(lua_State* L, int index) {
#if LUA_VERSION_NUM >= 503
  return lua_isinteger(L, index) != 0;
#else
  (void)L;
  (void)index;
  return false;
#endif
}

// Makes `env` (at the top, popped) the environment of the loaded chunk at `function`.
inline void set_chunk_env(lua_State* L, int function) {
#if LUA_VERSION_NUM >= 502
  if (lua_setupvalue(L, function, 1) == nullptr) lua_pop(L, 1);
#else
  lua_setfenv(L, function);
#endif
}

// The environment a frame's function sees: its _ENV upvalue (5.2+) or its fenv (5.1); pushes it.
inline void push_function_env(lua_State* L, int function) {
#if LUA_VERSION_NUM >= 502
  for (int n = 1;; ++n) {
    const char* name = lua_getupvalue(L, function, n);
    if (name == nullptr) break;
    if (name[0] == '_' && name[1] == 'E' && name[2] == 'N' && name[3] == 'V' && name[4] == '\0')
      return;
    lua_pop(L, 1);
  }
  push_globals(L);
#else
  lua_getfenv(L, function);
#endif
}

// tostring(v) for the value at `index`, pushed; may raise (call it protected).
inline const char* to_display(lua_State* L, int index, size_t* length) {
#if LUA_VERSION_NUM >= 502
  return luaL_tolstring(L, index, length);
#else
  index = absolute(L, index);
  lua_getglobal(L, "tostring");
  lua_pushvalue(L, index);
  lua_call(L, 1, 1);
  return lua_tolstring(L, -1, length);
#endif
}

// registry[key] for a light-userdata key, pushed.
inline void push_registry_entry(lua_State* L, const void* key) {
#if LUA_VERSION_NUM >= 502
  lua_rawgetp(L, LUA_REGISTRYINDEX, key);
#else
  lua_pushlightuserdata(L, const_cast<void*>(key));
  lua_rawget(L, LUA_REGISTRYINDEX);
#endif
}

// registry[key] = the value at the top (popped).
inline void set_registry_entry(lua_State* L, const void* key) {
#if LUA_VERSION_NUM >= 502
  lua_rawsetp(L, LUA_REGISTRYINDEX, key);
#else
  lua_pushlightuserdata(L, const_cast<void*>(key));
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
#endif
}

// Runs the function at the top of `co` (a fresh thread) to its end: the status, and in
// `results` how many values it left on `co`'s stack.
inline int resume(lua_State* co, lua_State* from, int& results) {
#if LUA_VERSION_NUM >= 504
  return lua_resume(co, from, 0, &results);
#elif LUA_VERSION_NUM >= 502
  int status = lua_resume(co, from, 0);
  results = lua_gettop(co);
  return status;
#else
  (void)from;
  int status = lua_resume(co, 0);
  results = lua_gettop(co);
  return status;
#endif
}

// The main thread of L's state, pushed.
inline void push_main_thread(lua_State* L) {
#if LUA_VERSION_NUM >= 502
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
#else
  lua_pushthread(L);  // 5.1 has no registry entry: the caller is taken as the main thread
#endif
}

// An identity for the frame at `level` of L, compared only for equality while the frame lives
// (a frame deeper or shallower has another): 5.4's CallInfo address, 5.1's CallInfo index,
// LuaJIT's stack slot (its level-dependent size bits dropped). 0 when there is no such level or
// it has no frame (5.1's lost tail calls).
// LuaJIT runs compiled traces without hooks, so a return seen by the hook need not follow the
// calls seen: there the return hook asks for the caller on every return instead.
#if defined(MOONRING_LUAJIT)
constexpr bool kReturnsByFrame = false;
#else
constexpr bool kReturnsByFrame = true;
#endif

// Whether the VM puts its stack top back after a hook returns (PUC Lua's luaD_hook and
// luaD_callhook do), so a call hook need not pop what it pushed: one API call less per call.
// LuaJIT's hook dispatch is not relied on for it.
#if defined(MOONRING_LUAJIT)
constexpr bool kHookRestoresTop = false;
#else
constexpr bool kHookRestoresTop = true;
#endif

inline std::intptr_t frame_key(lua_State* L, int level) {
  lua_Debug ar;
  if (lua_getstack(L, level, &ar) == 0) return 0;
#if LUA_VERSION_NUM >= 502
  return reinterpret_cast<std::intptr_t>(ar.i_ci);
#else
  return ar.i_ci == 0 ? 0 : (ar.i_ci & 0xffff) + 1;
#endif
}

// The level of the frame the running one returns to: 1, past 5.1's lost tail call levels.
inline int caller_level(lua_State* L) {
  lua_Debug ar;
  int level = 1;
  while (lua_getstack(L, level, &ar) != 0 && frame_key(L, level) == 0) ++level;
  return level;
}

}  // namespace moonring::lua::debug::compat
