// The agent as a C module for programs that embed Lua (Lua 5.4, 5.1, LuaJIT from this one
// source): require("moonring.debug").listen{host=, port=, token=, no_auth=, wait=,
// stop_on_entry=} or .connect{host=, port=, token=, stop_on_entry=}; each returns true, or nil
// and a message. The debugger hears `exited` when the state closes (or os.exit runs).
#include <cstdio>
#include <cstring>

#include "lang/lua/debug/agent/agent.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

// The options as plain C data: read while Lua may still raise (bad arguments), before any C++
// object with a destructor exists.
struct ModuleArgs {
  char host[256] = "127.0.0.1";
  int port = 0;
  char token[256] = {};
  bool has_token = false;
  bool no_auth = false;
  bool wait = false;
  bool stop_on_entry = false;
};

void read_string(lua_State* L, const char* field, char* out, std::size_t size, bool* present) {
  lua_getfield(L, 1, field);
  if (!lua_isnil(L, -1)) {
    std::size_t n = 0;
    const char* s = luaL_checklstring(L, -1, &n);
    if (n >= size) luaL_error(L, "%s is too long", field);
    std::memcpy(out, s, n + 1);
    if (present != nullptr) *present = true;
  }
  lua_pop(L, 1);
}

bool read_flag(lua_State* L, const char* field) {
  lua_getfield(L, 1, field);
  bool value = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return value;
}

int on_close(lua_State* L) {
  agent_program_ended(L, 0);
  return 0;
}

// A userdata in the registry whose __gc tells the debugger that the state closed.
void watch_close(lua_State* L) {
  static char key;
  lua_pushlightuserdata(L, &key);
  lua_newuserdata(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, on_close);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

int start(lua_State* L, bool listen) {
  luaL_checktype(L, 1, LUA_TTABLE);
  ModuleArgs args;
  read_string(L, "host", args.host, sizeof args.host, nullptr);
  lua_getfield(L, 1, "port");
  args.port = static_cast<int>(luaL_checkinteger(L, -1));
  lua_pop(L, 1);
  read_string(L, "token", args.token, sizeof args.token, &args.has_token);
  args.no_auth = read_flag(L, "no_auth");
  args.wait = read_flag(L, "wait");
  args.stop_on_entry = read_flag(L, "stop_on_entry");
  char error[512] = {};
  {
    AgentOptions options;
    std::string address = std::string(args.host) + ":" + std::to_string(args.port);
    (listen ? options.listen : options.connect) = address;
    options.wait = args.wait;
    options.no_auth = args.no_auth;
    if (args.has_token) options.token = std::string(args.token);
    options.stop_on_entry = args.stop_on_entry;
    std::string failed = start_agent(L, options);
    if (!failed.empty()) std::snprintf(error, sizeof error, "%s", failed.c_str());
  }
  if (error[0] != '\0') {
    lua_pushnil(L);
    lua_pushstring(L, error);
    return 2;
  }
  watch_close(L);
  lua_pushboolean(L, 1);
  return 1;
}

int listen_function(lua_State* L) {
  return start(L, true);
}
int connect_function(lua_State* L) {
  return start(L, false);
}

}  // namespace
}  // namespace moonring::lua::debug

extern "C" __attribute__((visibility("default"))) int luaopen_moonring_debug(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, moonring::lua::debug::listen_function);
  lua_setfield(L, -2, "listen");
  lua_pushcfunction(L, moonring::lua::debug::connect_function);
  lua_setfield(L, -2, "connect");
  lua_pushstring(L, moonring::lua::debug::compat::version_name());
  lua_setfield(L, -2, "lua_version");
  return 1;
}
