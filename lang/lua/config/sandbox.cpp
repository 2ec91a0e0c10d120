// The sandbox: a capped allocator, a count hook, a vetted global table, and a trusted serialiser
// that copies the result out. Every Lua call that can raise runs under lua_pcall, and the
// functions that run inside it hold no C++ object that a longjmp would skip.
#include "lang/lua/config/sandbox.hpp"

#include <lua.hpp>

#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lang/lua/config/error.hpp"
#include "lang/lua/config/isolate.hpp"

namespace moonring::lua::config {
namespace {

constexpr int kHookEvery = 1000;  // instructions between two count-hook calls
constexpr std::size_t kSerialiseHeadroom = std::size_t{16} << 20;
// Address space the child may add beyond the Lua state's cap: the C++ copy of the answer, stacks.
constexpr std::size_t kAddressSpaceHeadroom = std::size_t{256} << 20;

struct Budget {
  std::size_t used = 0;
  std::size_t limit = 0;
  std::uint64_t executed = 0;
  std::uint64_t max_instructions = 0;
  double cpu_deadline = 0;  // thread CPU seconds
  bool out_of_memory = false;
  bool out_of_instructions = false;
  bool out_of_time = false;
  bool exceeded() const { return out_of_memory || out_of_instructions || out_of_time; }
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The job handed to the protected entry point (plain data only).
struct Job {
  const char* code;
  std::size_t size;
  const char* chunkname;
};

Budget* budget_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Budget*>(ud);
}

void* capped_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* b = static_cast<Budget*>(ud);
  std::size_t old = ptr != nullptr ? osize : 0;
  if (nsize == 0) {
    b->used -= old;
    std::free(ptr);
    return nullptr;
  }
  if (nsize > old && b->used - old + nsize > b->limit) {
    b->out_of_memory = true;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nullptr;
  b->used = b->used - old + nsize;
  return p;
}

void count_hook(lua_State* L, lua_Debug*) {
  Budget* b = budget_of(L);
  b->executed += kHookEvery;
  if (b->executed > b->max_instructions) b->out_of_instructions = true;
  if (thread_cpu_seconds() > b->cpu_deadline) b->out_of_time = true;
  if (b->exceeded()) {
    // From now on every instruction raises, so no handler can keep the chunk running.
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "sandbox limit exceeded");
  }
}

// pcall and xpcall catch errors; the limits' errors must not be caught, so they are re-raised.
int guarded_call(lua_State* L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  if (budget_of(L)->exceeded()) return luaL_error(L, "sandbox limit exceeded");
  return lua_gettop(L);
}

// Lua's matcher backtracks in C, where the count hook does not run. A subject of length n and a
// pattern of length m with q repetition items (%b counts as one) cost about n^(q+1) steps for
// the splits of the subject between the items, and n * m for comparing the fixed part at every
// start. Refuse more than 10^8; what this estimate misses the child process's CPU limit stops.
int guarded_pattern(lua_State* L) {
  std::size_t n = 0, plen = 0;
  luaL_checklstring(L, 1, &n);
  const char* p = luaL_checklstring(L, 2, &plen);
  int q = 0;
  for (std::size_t i = 0; i < plen; ++i) {
    char c = p[i];
    if (c == '%') {
      ++i;
      if (i < plen && p[i] == 'b') {
        ++q;
        i += 2;
      }
    } else if (c == '[') {
      for (++i; i < plen && p[i] != ']'; ++i) {
        if (p[i] == '%') ++i;
      }
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      ++q;
    }
  }
  const double subject = static_cast<double>(n) + 1;
  const double cost = std::pow(subject, q + 1) + subject * (static_cast<double>(plen) + 1);
  if (cost > 1e8) return luaL_error(L, "pattern too costly for the configuration sandbox");
  return guarded_call(L);
}

// string.rep loops once per copy in C, even when the copies are empty: an empty result is
// answered at once; any other result is bounded by the memory cap.
int guarded_rep(lua_State* L) {
  std::size_t len = 0, sep_len = 0;
  luaL_checklstring(L, 1, &len);
  luaL_optlstring(L, 3, "", &sep_len);
  if (len == 0 && sep_len == 0) {
    luaL_checkinteger(L, 2);
    lua_pushliteral(L, "");
    return 1;
  }
  return guarded_call(L);
}

// table.move loops once per element in C whatever the tables hold; a table the memory cap
// allows has far fewer elements than this.
constexpr lua_Integer kMaxMoved = lua_Integer{1} << 22;

int guarded_move(lua_State* L) {
  const lua_Integer first = luaL_checkinteger(L, 2);
  const lua_Integer last = luaL_checkinteger(L, 3);
  if (last >= first && (first <= 0 ? last >= kMaxMoved + first : last - first >= kMaxMoved)) {
    return luaL_error(L, "table.move: too many elements for the configuration sandbox");
  }
  return guarded_call(L);
}

// Lua runs finalisers with hooks off, so a __gc that loops would never be stopped: refuse
// them where they are set (a __gc added to the metatable later never marks the object).
int guarded_setmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      return luaL_error(L, "__gc metamethods are not allowed in a configuration");
    }
    lua_pop(L, 1);
  }
  return guarded_call(L);
}

void remove_field(lua_State* L, int table, const char* name) {
  lua_pushnil(L);
  lua_setfield(L, table, name);
}

void wrap_field(lua_State* L, int table, const char* name, lua_CFunction wrapper) {
  lua_getfield(L, table, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setfield(L, table, name);
}

// Builds the sandbox's global table (returned) and the serialiser's own environment (in the
// registry, out of the chunk's reach).
void open_sandbox(lua_State* L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  int g = lua_gettop(L);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  int str = lua_gettop(L);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_settop(L, str);

  // The serialiser's environment: the originals, captured before any untrusted code runs.
  lua_createtable(L, 0, 8);
  int trusted = lua_gettop(L);
  for (const char* name : {"next", "type", "tostring"}) {
    lua_getfield(L, g, name);
    lua_setfield(L, trusted, name);
  }
  lua_getfield(L, str, "format");
  lua_setfield(L, trusted, "format");
  lua_getfield(L, g, LUA_TABLIBNAME);
  lua_getfield(L, -1, "concat");
  lua_setfield(L, trusted, "concat");
  lua_pop(L, 1);
  lua_getfield(L, g, LUA_MATHLIBNAME);
  lua_getfield(L, -1, "type");
  lua_setfield(L, trusted, "mathtype");
  lua_pop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "moonring.serialiser_env");

  for (const char* name : {"dofile", "loadfile", "load", "collectgarbage", "print", "warn"}) {
    remove_field(L, g, name);
  }
  wrap_field(L, g, "pcall", guarded_call);
  wrap_field(L, g, "xpcall", guarded_call);
  wrap_field(L, g, "setmetatable", guarded_setmetatable);
  remove_field(L, str, "dump");
  for (const char* name : {"find", "match", "gmatch", "gsub"}) {
    wrap_field(L, str, name, guarded_pattern);
  }
  wrap_field(L, str, "rep", guarded_rep);
  lua_getfield(L, g, LUA_TABLIBNAME);
  wrap_field(L, lua_gettop(L), "move", guarded_move);
  lua_settop(L, g);
}

// Trusted: copies a value out as the encoding lua_value.cpp decodes. Reads tables raw (next),
// so no metamethod of the chunk's runs; cycles are cut.
constexpr const char* kSerialiser = R"lua(
local next, type, tostring, format, concat, mathtype = next, type, tostring, format, concat, mathtype
local out, n, onpath = {}, 0, {}
local function put(s) n = n + 1; out[n] = s end
local function enc(v, depth)
  local t = type(v)
  if t == "string" then
    put("s" .. #v .. ":"); put(v)
  elseif t == "number" then
    if mathtype(v) == "integer" then put(format("n%d;", v)) else put(format("n%.17g;", v)) end
  elseif t == "boolean" then
    put(v and "b1" or "b0")
  elseif t == "table" and depth < 32 and not onpath[v] then
    onpath[v] = true
    put("t")
    local k, val = next(v)
    while k ~= nil do
      local kt = type(k)
      if kt == "string" or kt == "number" then enc(k, depth + 1); enc(val, depth + 1) end
      k, val = next(v, k)
    end
    put("}")
    onpath[v] = nil
  else
    put("x")
  end
end
enc(..., 0)
return concat(out)
)lua";

// The protected entry point: argument 1 is the Job (light userdata). Returns the encoded globals.
int sandbox_main(lua_State* L) {
  const Job* job = static_cast<const Job*>(lua_touserdata(L, 1));
  open_sandbox(L);
  int g = lua_gettop(L);

  if (luaL_loadbufferx(L, job->code, job->size, job->chunkname, "t") != LUA_OK) {
    return lua_error(L);  // the syntax error, "path:line: message"
  }
  int chunk = lua_gettop(L);
  // The chunk's globals: a fresh table that reads through to the sandbox's functions.
  lua_newtable(L);
  int env = lua_gettop(L);
  // luacheck's configs write files["glob"] = ... and stds.name = ... into tables given to them.
  for (const char* name : {"files", "stds"}) {
    lua_newtable(L);
    lua_setfield(L, env, name);
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, g);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, env);
  lua_pushvalue(L, env);
  lua_setupvalue(L, chunk, 1);

  Budget* b = budget_of(L);
  lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookEvery);
  lua_pushvalue(L, chunk);
  lua_call(L, 0, 0);
  if (b->exceeded()) return luaL_error(L, "sandbox limit exceeded");

  // Copying out gets a budget of its own: the chunk may have used most of the first.
  b->executed = 0;
  b->limit += kSerialiseHeadroom;
  if (luaL_loadbufferx(L, kSerialiser, std::char_traits<char>::length(kSerialiser),
                       "=moonring serialiser", "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "moonring.serialiser_env");
  lua_setupvalue(L, -2, 1);
  lua_pushvalue(L, env);
  lua_call(L, 1, 1);
  return 1;
}

int panic(lua_State* L) {
  // Unreachable by design (everything runs under lua_pcall); fail loudly rather than longjmp.
  const char* msg = lua_tostring(L, -1);
  std::fprintf(stderr, "moonring: Lua panic in the configuration sandbox: %s\n",
               msg != nullptr ? msg : "?");
  std::abort();
}

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The evaluation itself, in the calling process: the encoded globals, or the error.
Result<std::string> evaluate(std::string_view code, const std::string& path,
                             const SandboxLimits& limits) {
  Budget budget;
  budget.limit = limits.memory_bytes;
  budget.max_instructions = limits.instructions;
  budget.cpu_deadline = thread_cpu_seconds() + limits.cpu_seconds;
  lua_State* L = lua_newstate(capped_alloc, &budget);
  if (L == nullptr) {
    return config_error(ConfigErrc::limit_exceeded, path + ": cannot create a Lua state");
  }
  lua_atpanic(L, panic);

  std::string chunkname = "@" + path;
  Job job{code.data(), code.size(), chunkname.c_str()};
  lua_pushcfunction(L, sandbox_main);
  lua_pushlightuserdata(L, &job);
  int status = lua_pcall(L, 1, 1, 0);

  std::string encoded;
  std::string message;
  if (status == LUA_OK && lua_type(L, -1) == LUA_TSTRING) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    encoded.assign(s, len);
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    message = lua_tostring(L, -1);
  } else {
    message = "error object is not a string";
  }
  bool out_of_memory = budget.out_of_memory || status == LUA_ERRMEM;
  bool out_of_instructions = budget.out_of_instructions;
  bool out_of_time = budget.out_of_time;
  // No finaliser can exist (guarded_setmetatable), so closing runs no code of the chunk's except
  // pending to-be-closed variables, which the hook stops.
  lua_close(L);

  if (out_of_instructions) {
    return config_error(
        ConfigErrc::limit_exceeded,
        path + ": exceeded " + with_thousands(limits.instructions) + " instructions");
  }
  if (out_of_time) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", limits.cpu_seconds);
    return config_error(ConfigErrc::limit_exceeded,
                        path + ": exceeded " + seconds + " seconds of CPU time");
  }
  if (out_of_memory) {
    return config_error(ConfigErrc::limit_exceeded, path + ": exceeded the memory limit of " +
                                                        std::to_string(limits.memory_bytes >> 20) +
                                                        " MB");
  }
  if (status != LUA_OK) {
    // Errors raised in the chunk carry "path:line:"; those raised by a C function do not.
    if (!message.starts_with(path)) message = path + ": " + message;
    return config_error(ConfigErrc::lua_error, message);
  }
  return encoded;
}

}  // namespace

Result<LuaValue> run_sandboxed(std::string_view code, const std::string& path,
                               const SandboxLimits& limits) {
  IsolationLimits isolation;
  isolation.cpu_seconds = limits.cpu_seconds;
  // Real time only matters when the child is blocked or starved of CPU by a loaded machine.
  isolation.wall_seconds = 2 * limits.cpu_seconds + 5;
  // The Lua state's own cap counts only Lua's allocations; this bounds everything else too.
  isolation.memory_bytes = limits.memory_bytes + kSerialiseHeadroom + kAddressSpaceHeadroom;
  auto encoded = run_isolated(path, isolation, [&] { return evaluate(code, path, limits); });
  if (!encoded) return encoded.take_error();
  auto value = decode_lua_value(*encoded);
  if (!value) {
    return config_error(ConfigErrc::lua_error, path + ": could not read the result back");
  }
  return std::move(*value);
}

}  // namespace moonring::lua::config
