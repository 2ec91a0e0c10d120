// Inspection while stopped: threads, stack frames, scopes, variables (tables paged, metatables,
// escaped strings) and evaluation in a frame through an _ENV proxy whose reads and writes reach
// the frame's locals and upvalues. Functions the VM calls (the proxy's metamethods) hold no C++
// object with a destructor: a Lua error inside them is a longjmp.
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

char g_refs_key;     // registry[&g_refs_key]: the values behind variables references
char g_threads_key;  // registry[&g_threads_key]: coroutine -> thread id (weak keys)

void push_registry_table(lua_State* L, void* key, const char* mode) {
  lua_pushlightuserdata(L, key);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_newtable(L);
  if (mode != nullptr) {
    lua_newtable(L);
    lua_pushstring(L, mode);
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
  }
  lua_pushlightuserdata(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

std::string escape_string(const char* s, std::size_t n) {
  std::string out = "\"";
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 32 || c == 127) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\%d", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool is_identifier(const char* s, std::size_t n) {
  if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

// The value at `index` as a short text, without calling metamethods.
std::string value_text(lua_State* L, int index) {
  char buffer[64];
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return "nil";
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) ? "true" : "false";
    case LUA_TNUMBER: {
      lua_pushvalue(L, index);
      std::string text = lua_tostring(L, -1);
      lua_pop(L, 1);
      return text;
    }
    case LUA_TSTRING: {
      std::size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return escape_string(s, n);
    }
    default:
      std::snprintf(buffer, sizeof buffer, "%s: %p", luaL_typename(L, index),
                    lua_topointer(L, index));
      return buffer;
  }
}

// A table key as a variable's name: `name`, `[1]`, `["a b"]`.
std::string key_name(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING) {
    std::size_t n = 0;
    const char* s = lua_tolstring(L, index, &n);
    if (is_identifier(s, n)) return std::string(s, n);
    return "[" + escape_string(s, n) + "]";
  }
  return "[" + value_text(L, index) + "]";
}

// The frame of the proxy's metamethods: thread (upvalue 1), level at creation (2), depth at
// creation (3). Returns false when the frame is gone.
bool proxy_frame(lua_State* L, lua_State*& thread, lua_Debug& ar) {
  thread = lua_tothread(L, lua_upvalueindex(1));
  int level = static_cast<int>(lua_tointeger(L, lua_upvalueindex(2)));
  int depth0 = static_cast<int>(lua_tointeger(L, lua_upvalueindex(3)));
  level += stack_depth(thread) - depth0;  // the evaluation's own frames sit above it
  return thread != nullptr && lua_getstack(thread, level, &ar) != 0;
}

// The index of the visible local named `name` (the last declared wins), 0 if none.
int find_local(lua_State* thread, lua_Debug& ar, const char* name) {
  int found = 0;
  for (int n = 1;; ++n) {
    const char* local = lua_getlocal(thread, &ar, n);
    if (local == nullptr) break;
    lua_pop(thread, 1);
    if (std::strcmp(local, name) == 0) found = n;
  }
  return found;
}

// Pushes the frame's function on L; returns the index of the upvalue named `name` (0: none).
int find_upvalue(lua_State* L, lua_State* thread, lua_Debug& ar, const char* name) {
  lua_getinfo(thread, "f", &ar);
  lua_xmove(thread, L, 1);
  for (int n = 1;; ++n) {
    const char* up = lua_getupvalue(L, -1, n);
    if (up == nullptr) return 0;
    lua_pop(L, 1);
    if (std::strcmp(up, name) == 0) return n;
  }
}

int proxy_index(lua_State* L) {  // (proxy, key)
  lua_State* thread = nullptr;
  lua_Debug ar;
  if (!proxy_frame(L, thread, ar)) {
    compat::push_globals(L);
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    const char* name = lua_tostring(L, 2);
    int n = find_local(thread, ar, name);
    if (n != 0) {
      lua_getlocal(thread, &ar, n);
      lua_xmove(thread, L, 1);
      return 1;
    }
    int up = find_upvalue(L, thread, ar, name);  // pushes the function
    if (up != 0) {
      lua_getupvalue(L, -1, up);
      return 1;
    }
    compat::push_function_env(L, lua_gettop(L));
  } else {
    lua_getinfo(thread, "f", &ar);
    lua_xmove(thread, L, 1);
    compat::push_function_env(L, lua_gettop(L));
  }
  lua_pushvalue(L, 2);
  lua_gettable(L, -2);
  return 1;
}

int proxy_newindex(lua_State* L) {  // (proxy, key, value)
  lua_State* thread = nullptr;
  lua_Debug ar;
  if (proxy_frame(L, thread, ar) && lua_type(L, 2) == LUA_TSTRING) {
    const char* name = lua_tostring(L, 2);
    int n = find_local(thread, ar, name);
    if (n != 0) {
      lua_pushvalue(L, 3);
      lua_xmove(L, thread, 1);
      lua_setlocal(thread, &ar, n);
      return 0;
    }
    int up = find_upvalue(L, thread, ar, name);
    if (up != 0) {
      lua_pushvalue(L, 3);
      lua_setupvalue(L, -2, up);
      return 0;
    }
    compat::push_function_env(L, lua_gettop(L));
  } else {
    compat::push_globals(L);
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_settable(L, -3);
  return 0;
}

// Pushes a table entry's sort order: integers first (ascending), then strings, then the rest.
struct Entry {
  int key_slot;  // index in the keys array
  int rank;
  double number;
  std::string text;
};

}  // namespace

void Agent::clear_refs(lua_State* L) {
  lua_pushlightuserdata(L, &g_refs_key);
  lua_pushnil(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  stop.refs.clear();
  stop.frames.clear();
}

void Agent::push_ref(lua_State* L, int ref) {
  push_registry_table(L, &g_refs_key, nullptr);
  lua_rawgeti(L, -1, ref);
  lua_remove(L, -2);
}

int Agent::thread_id(lua_State* L, lua_State* thread) {
  if (thread == main) return 1;
  push_registry_table(L, &g_threads_key, "k");
  lua_pushthread(thread);
  lua_xmove(thread, L, 1);
  lua_rawget(L, -2);
  int id = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  if (id == 0) {
    static int next_id = 2;
    id = next_id++;
    lua_pushthread(thread);
    lua_xmove(thread, L, 1);
    lua_pushinteger(L, id);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
  return id;
}

lua_State* Agent::thread_by_id(lua_State* L, int id) {
  if (id == 1) return main;
  push_registry_table(L, &g_threads_key, "k");
  lua_State* found = nullptr;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TTHREAD && lua_tointeger(L, -1) == id) found = lua_tothread(L, -2);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

Json Agent::threads(lua_State* L) {
  Json list = Json::array({{{"id", 1}, {"name", "main"}}});
  if (stop.active && stop.thread != main) thread_id(L, stop.thread);
  push_registry_table(L, &g_threads_key, "k");
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TTHREAD) {
      lua_State* co = lua_tothread(L, -2);
      lua_Debug ar;
      bool alive = lua_status(co) == LUA_YIELD || lua_getstack(co, 0, &ar) != 0;
      int id = static_cast<int>(lua_tointeger(L, -1));
      if (alive) list.push_back({{"id", id}, {"name", "coroutine " + std::to_string(id)}});
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return {{"threads", list}};
}

Json Agent::stack_trace(lua_State* L, const Json& arguments) {
  lua_State* thread = thread_by_id(L, arguments.value("threadId", 1));
  if (thread == nullptr) throw std::runtime_error("no such thread");
  int start = arguments.value("startFrame", 0);
  int levels = arguments.value("levels", 0);
  int total = stack_depth(thread);
  Json frames = Json::array();
  for (int level = start; level < total && (levels <= 0 || level < start + levels); ++level) {
    lua_Debug ar;
    if (lua_getstack(thread, level, &ar) == 0 || lua_getinfo(thread, "Snl", &ar) == 0) break;
    int id = 0;
    for (std::size_t i = 0; i < stop.frames.size(); ++i)
      if (stop.frames[i].thread == thread && stop.frames[i].level == level)
        id = static_cast<int>(i) + 1;
    if (id == 0) {
      stop.frames.push_back({thread, level});
      id = static_cast<int>(stop.frames.size());
    }
    std::string name = ar.name != nullptr ? ar.name : ar.what[0] == 'm' ? "main chunk" : "?";
    Json frame = {{"id", id}, {"name", name}, {"line", std::max(ar.currentline, 0)}, {"column", 1}};
    if (ar.what[0] == 'C') {
      frame["name"] = "[C] " + name;
      frame["presentationHint"] = "subtle";
      frame["column"] = 0;
    } else if (ar.source != nullptr && ar.source[0] == '@') {
      char resolved[PATH_MAX];
      std::string path = ::realpath(ar.source + 1, resolved) != nullptr ? resolved : ar.source + 1;
      std::string base = path.substr(path.rfind('/') + 1);
      frame["source"] = {{"name", base}, {"path", path}};
    } else {
      frame["source"] = {{"name", ar.short_src}, {"presentationHint", "deemphasize"}};
    }
    frames.push_back(frame);
  }
  return {{"stackFrames", frames}, {"totalFrames", total}};
}

Json Agent::scopes(lua_State* L, const Json& arguments) {
  (void)L;
  int frame_id = arguments.at("frameId").get<int>();
  if (frame_id < 1 || frame_id > static_cast<int>(stop.frames.size()))
    throw std::runtime_error("no such frame");
  auto add = [&](VarRef::Kind kind) {
    stop.refs.push_back({kind, frame_id - 1});
    return static_cast<int>(stop.refs.size());
  };
  Frame frame = stop.frames[static_cast<std::size_t>(frame_id - 1)];
  Json list = Json::array();
  list.push_back({{"name", "Locals"},
                  {"presentationHint", "locals"},
                  {"variablesReference", add(VarRef::locals)},
                  {"expensive", false}});
  list.push_back(
      {{"name", "Upvalues"}, {"variablesReference", add(VarRef::upvalues)}, {"expensive", false}});
  lua_Debug ar;
  if (compat::kHasVarargLocals && lua_getstack(frame.thread, frame.level, &ar) != 0 &&
      lua_getlocal(frame.thread, &ar, -1) != nullptr) {
    lua_pop(frame.thread, 1);
    list.push_back(
        {{"name", "Varargs"}, {"variablesReference", add(VarRef::varargs)}, {"expensive", false}});
  }
  list.push_back(
      {{"name", "Globals"}, {"variablesReference", add(VarRef::globals)}, {"expensive", true}});
  return {{"scopes", list}};
}

Json Agent::describe(lua_State* L, int index, const std::string& name) {
  index = compat::absolute(L, index);
  Json out = {{"name", name},
              {"value", value_text(L, index)},
              {"type", luaL_typename(L, index)},
              {"variablesReference", 0}};
  int type = lua_type(L, index);
  bool expandable = type == LUA_TTABLE;
  if (type == LUA_TUSERDATA && lua_getmetatable(L, index) != 0) {
    lua_pop(L, 1);
    expandable = true;
  }
  if (type == LUA_TFUNCTION) {
    lua_Debug ar;
    lua_pushvalue(L, index);
    if (lua_getinfo(L, ">S", &ar) != 0 && ar.what[0] != 'C')
      out["value"] = out["value"].get<std::string>() + " (" + ar.short_src + ":" +
                     std::to_string(ar.linedefined) + ")";
  }
  if (expandable) {
    push_registry_table(L, &g_refs_key, nullptr);
    stop.refs.push_back({VarRef::value, 0});
    int ref = static_cast<int>(stop.refs.size());
    lua_pushvalue(L, index);
    lua_rawseti(L, -2, ref);
    lua_pop(L, 1);
    out["variablesReference"] = ref;
    if (type == LUA_TTABLE) {
      std::size_t n = compat::raw_length(L, index);
      if (n > 0) out["indexedVariables"] = n;
    }
  }
  return out;
}

Json Agent::variables(lua_State* L, const Json& arguments) {
  int ref = arguments.at("variablesReference").get<int>();
  if (ref < 1 || ref > static_cast<int>(stop.refs.size()))
    throw std::runtime_error("no such variables reference");
  VarRef target = stop.refs[static_cast<std::size_t>(ref - 1)];
  int start = arguments.value("start", 0);
  int count = arguments.value("count", 0);
  std::string filter = arguments.value("filter", "");
  Json list = Json::array();
  int top = lua_gettop(L);
  if (target.kind == VarRef::locals || target.kind == VarRef::varargs ||
      target.kind == VarRef::upvalues) {
    Frame frame = stop.frames[static_cast<std::size_t>(target.frame)];
    lua_Debug ar;
    if (lua_getstack(frame.thread, frame.level, &ar) == 0) return {{"variables", list}};
    if (target.kind == VarRef::upvalues) {
      lua_getinfo(frame.thread, "f", &ar);
      lua_xmove(frame.thread, L, 1);
      int function = lua_gettop(L);
      for (int n = 1;; ++n) {
        const char* name = lua_getupvalue(L, function, n);
        if (name == nullptr) break;
        list.push_back(describe(L, -1, *name != '\0' ? name : "?"));
        lua_pop(L, 1);
      }
    } else {
      int sign = target.kind == VarRef::varargs ? -1 : 1;
      for (int n = 1;; ++n) {
        const char* name = lua_getlocal(frame.thread, &ar, sign * n);
        if (name == nullptr) break;
        lua_xmove(frame.thread, L, 1);
        std::string shown = sign < 0 ? "[" + std::to_string(n) + "]" : name;
        if (sign < 0 || name[0] != '(') list.push_back(describe(L, -1, shown));
        lua_pop(L, 1);
      }
    }
    lua_settop(L, top);
    return {{"variables", list}};
  }
  // A table (globals or a value): its entries sorted and paged, then its metatable.
  if (target.kind == VarRef::globals) {
    compat::push_globals(L);
  } else {
    push_registry_table(L, &g_refs_key, nullptr);
    lua_rawgeti(L, -1, ref);
    lua_remove(L, -2);
  }
  int value = lua_gettop(L);
  lua_newtable(L);
  int keys = lua_gettop(L);
  std::vector<Entry> entries;
  if (lua_type(L, value) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, value) != 0) {
      lua_pop(L, 1);
      Entry e{static_cast<int>(entries.size()) + 1, 2, 0, ""};
      if (lua_type(L, -1) == LUA_TNUMBER) {
        e.rank = 0;
        e.number = lua_tonumber(L, -1);
      } else if (lua_type(L, -1) == LUA_TSTRING) {
        e.rank = 1;
        e.text = lua_tostring(L, -1);
      } else {
        e.text = value_text(L, -1);
      }
      bool indexed = e.rank == 0;
      if (filter.empty() || (filter == "indexed") == indexed) {
        lua_pushvalue(L, -1);
        lua_rawseti(L, keys, e.key_slot);
        entries.push_back(std::move(e));
      }
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.rank == 0) return a.number < b.number;
    return a.text < b.text;
  });
  std::size_t first = static_cast<std::size_t>(std::max(start, 0));
  std::size_t end = count > 0 ? std::min(entries.size(), first + static_cast<std::size_t>(count))
                              : entries.size();
  for (std::size_t i = first; i < end; ++i) {
    lua_rawgeti(L, keys, entries[i].key_slot);
    std::string name = key_name(L, -1);
    lua_rawget(L, value);
    list.push_back(describe(L, -1, name));
    lua_pop(L, 1);
  }
  if (filter != "indexed" && end == entries.size() && lua_getmetatable(L, value) != 0) {
    list.push_back(describe(L, -1, "[metatable]"));
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  return {{"variables", list}};
}

// An evaluation's count hook: ends it with an error once its request is cancelled.
void cancel_hook(lua_State* L, lua_Debug*) {
  Agent* agent = g_agent;
  if (agent != nullptr && agent->running_request != 0 &&
      agent->cancelled_request.load() == agent->running_request)
    luaL_error(L, "cancelled");
}

std::string Agent::evaluate_at(lua_State* L, lua_State* thread, int level, const std::string& code,
                               bool statement_ok, int& results) {
  int top = lua_gettop(L);
  std::string as_expression = "return " + code;
  int status = luaL_loadbuffer(L, as_expression.data(), as_expression.size(), "=(eval)");
  if (status != LUA_OK && statement_ok) {
    lua_pop(L, 1);
    status = luaL_loadbuffer(L, code.data(), code.size(), "=(eval)");
  }
  if (status != LUA_OK) {
    std::string message = lua_tostring(L, -1) != nullptr ? lua_tostring(L, -1) : "syntax error";
    lua_settop(L, top);
    return message;
  }
  int function = lua_gettop(L);
  if (thread != nullptr) {
    lua_newtable(L);
    lua_newtable(L);
    for (int which = 0; which < 2; ++which) {
      lua_pushthread(thread);
      lua_xmove(thread, L, 1);
      lua_pushinteger(L, level);
      lua_pushinteger(L, stack_depth(thread));
      lua_pushcclosure(L, which == 0 ? proxy_index : proxy_newindex, 3);
      lua_setfield(L, -2, which == 0 ? "__index" : "__newindex");
    }
    lua_setmetatable(L, -2);
    compat::set_chunk_env(L, function);
  }
  // Run on a thread of its own, whose count hook lets a `cancel` end a long evaluation: the
  // stopped thread runs no hooks (the VM is inside one), a new thread does.
  lua_State* runner = lua_newthread(L);
  lua_insert(L, function);  // anchored below the function
  lua_xmove(L, runner, 1);
  lua_sethook(runner, cancel_hook, LUA_MASKCOUNT, 1000);
  int returned = 0;
  int ended = compat::resume(runner, L, returned);
  if (ended != LUA_OK) {
    std::string message = ended == LUA_YIELD                    ? "cannot yield in an evaluation"
                          : lua_tostring(runner, -1) != nullptr ? lua_tostring(runner, -1)
                                                                : value_text(runner, -1);
    lua_settop(L, top);
    return message;
  }
  lua_xmove(runner, L, returned);
  lua_remove(L, top + 1);  // the runner
  results = returned;
  return "";
}

std::string Agent::evaluate_in_frame(lua_State* L, const std::string& code, int frame_id,
                                     bool statement_ok, int& results) {
  if (frame_id <= 0) return evaluate_at(L, nullptr, 0, code, statement_ok, results);
  if (frame_id > static_cast<int>(stop.frames.size())) return "no such frame";
  Frame frame = stop.frames[static_cast<std::size_t>(frame_id - 1)];
  return evaluate_at(L, frame.thread, frame.level, code, statement_ok, results);
}

}  // namespace moonring::lua::debug
