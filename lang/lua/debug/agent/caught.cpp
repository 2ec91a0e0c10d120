// The "all" exception filter: errors that pcall and xpcall catch. While the filter is on, the
// globals pcall and xpcall are replaced by versions that run the protected call with a message
// handler; the handler runs where the error was raised, with its frames still on the stack, and
// stops there before the error is caught (xpcall's own handler runs after). The replacements keep
// the originals' results and stay yieldable (lua_pcallk). When the filter goes off, the originals
// come back. Lua 5.2 and later only: 5.1 has no continuations for a yieldable replacement.
#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {

#if LUA_VERSION_NUM >= 502
namespace {

char kOriginalsKey;  // registry: {pcall = original, xpcall = original}

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

}  // namespace

void Agent::catch_errors(lua_State* L, bool on) {
  compat::push_registry_entry(L, &kOriginalsKey);
  bool installed = lua_istable(L, -1);
  if (on == installed) {
    lua_pop(L, 1);
    return;
  }
  compat::push_globals(L);
  if (on) {
    lua_pop(L, 2);
    lua_newtable(L);
    compat::push_globals(L);
    for (const char* name : {"pcall", "xpcall"}) {
      lua_getfield(L, -1, name);
      lua_setfield(L, -3, name);
    }
    lua_pushcfunction(L, caught_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, caught_xpcall);
    lua_setfield(L, -2, "xpcall");
    lua_pop(L, 1);
    compat::set_registry_entry(L, &kOriginalsKey);
    return;
  }
  // Off: the originals come back where the program has not replaced ours since.
  const lua_CFunction ours[] = {caught_pcall, caught_xpcall};
  const char* names[] = {"pcall", "xpcall"};
  for (int i = 0; i < 2; ++i) {
    lua_getfield(L, -1, names[i]);
    bool still_ours = lua_tocfunction(L, -1) == ours[i];
    lua_pop(L, 1);
    if (!still_ours) continue;
    lua_getfield(L, -2, names[i]);
    lua_setfield(L, -2, names[i]);
  }
  lua_pop(L, 2);
  lua_pushnil(L);
  compat::set_registry_entry(L, &kOriginalsKey);
}

bool Agent::catches_errors() const {
  return true;
}
#else
void Agent::catch_errors(lua_State*, bool) {}

bool Agent::catches_errors() const {
  return false;
}
#endif

}  // namespace moonring::lua::debug
