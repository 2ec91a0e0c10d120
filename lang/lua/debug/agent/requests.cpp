// The requests the adapter forwards (docs/debugger.md), dispatched on the VM thread: while the
// program is held or stopped (the serve loop) or running (the count hook drains the inbox).
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

// Pushes the table key a variable's name stands for: `[1]` and `["a b"]` are Lua expressions,
// anything else is a string key.
void push_key(lua_State* L, const std::string& name) {
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    std::string code = "return " + name.substr(1, name.size() - 2);
    if (luaL_loadbuffer(L, code.data(), code.size(), "=(key)") == LUA_OK &&
        lua_pcall(L, 0, 1, 0) == LUA_OK)
      return;
    lua_pop(L, 1);
  }
  lua_pushlstring(L, name.data(), name.size());
}

// A launched program told to run on after its adapter leaves: it no longer dies with the
// adapter (the launch set PR_SET_PDEATHSIG), and its output, on the adapter's pipes until now,
// goes to /dev/null instead of killing it with SIGPIPE. Done before the answer: the adapter may
// exit as soon as it has it.
void outlive_adapter() {
  ::prctl(PR_SET_PDEATHSIG, 0);
  std::fflush(stdout);
  std::fflush(stderr);
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) return;
  ::dup2(null, STDOUT_FILENO);
  ::dup2(null, STDERR_FILENO);
  ::close(null);
}

// (table, key, value): a protected assignment (a metamethod may raise).
int assign_entry(lua_State* L) {
  lua_settable(L, 1);
  return 0;
}

}  // namespace

bool Agent::handle(lua_State* L, const Json& request) {
  const std::string type = request.value("type", "");
  if (type == "_detached") {
    std::uint64_t gone = request.value("session", std::uint64_t{0});
    bool current;
    {
      std::lock_guard lock(mutex);
      current = connection && session == gone;
    }
    if (!current) return false;
    detach(L);
    return true;
  }
  const std::string command = request.value("command", "");
  static const Json kNoArguments = Json::object();
  const Json& arguments = request.contains("arguments") && request["arguments"].is_object()
                              ? request["arguments"]
                              : kNoArguments;
  int top = lua_gettop(L);
  running_request = request.value("seq", std::int64_t{0});
  try {
    if (command == "configurationDone") {
      respond(request);
      if (configured) return false;
      configured = true;
      if (stop_on_entry) {
        step = StepKind::entry;
        update_hook(L);
      }
      return !stop.active;
    }
    if (command == "setBreakpoints") {
      respond(request, set_breakpoints(L, arguments));
      if (!stop.active) update_hook(L);
      return false;
    }
    if (command == "setFunctionBreakpoints") {
      function_breakpoints.clear();
      Json out = Json::array();
      for (const Json& b : arguments.value("breakpoints", Json::array())) {
        function_breakpoints.push_back(b.at("name").get<std::string>());
        out.push_back({{"verified", true}});
      }
      respond(request, {{"breakpoints", out}});
      if (!stop.active) update_hook(L);
      return false;
    }
    if (command == "setExceptionBreakpoints") {
      break_on_all_errors = break_on_uncaught = false;
      Json out = Json::array();
      for (const Json& f : arguments.value("filters", Json::array())) {
        std::string id = f.get<std::string>();
        if (id == "all") break_on_all_errors = true;
        if (id == "uncaught") break_on_uncaught = true;
        out.push_back({{"verified", id == "uncaught" || id == "all"}});
      }
      catch_errors(L, break_on_all_errors);
      respond(request, {{"breakpoints", out}});
      return false;
    }
    if (command == "threads") {
      respond(request, threads(L));
      return false;
    }
    if (command == "stackTrace") {
      respond(request, stack_trace(L, arguments));
      return false;
    }
    if (command == "scopes") {
      respond(request, scopes(L, arguments));
      return false;
    }
    if (command == "variables") {
      respond(request, variables(L, arguments));
      return false;
    }
    if (command == "evaluate" || command == "setExpression") {
      int frame = arguments.value("frameId", 0);
      std::string expression = arguments.at("expression").get<std::string>();
      int results = 0;
      if (command == "setExpression") {
        std::string assign = expression + " = " + arguments.at("value").get<std::string>();
        std::string error = evaluate_in_frame(L, assign, frame, true, results);
        if (!error.empty()) throw std::runtime_error(error);
        lua_pop(L, results);
      }
      bool repl = arguments.value("context", "") == "repl";
      std::string error = evaluate_in_frame(L, expression, frame, repl, results);
      if (!error.empty()) throw std::runtime_error(error);
      if (results == 0) {
        respond(request, {{"result", ""}, {"variablesReference", 0}});
        return false;
      }
      Json first = describe(L, -results, "");
      std::string text = first["value"].get<std::string>();
      for (int i = 1; i < results; ++i)
        text += ", " + describe(L, -results + i, "")["value"].get<std::string>();
      lua_pop(L, results);
      Json body = {{"result", text},
                   {"type", first["type"]},
                   {"variablesReference", first["variablesReference"]}};
      if (command == "setExpression") body["value"] = text;
      respond(request, body);
      return false;
    }
    if (command == "setVariable") {
      int ref = arguments.at("variablesReference").get<int>();
      if (ref < 1 || ref > static_cast<int>(stop.refs.size()))
        throw std::runtime_error("no such variables reference");
      VarRef target = stop.refs[static_cast<std::size_t>(ref - 1)];
      std::string name = arguments.at("name").get<std::string>();
      int frame = target.kind == VarRef::value || target.kind == VarRef::globals
                      ? (stop.frames.empty() ? 0 : 1)
                      : target.frame + 1;
      int results = 0;
      std::string error =
          evaluate_in_frame(L, arguments.at("value").get<std::string>(), frame, false, results);
      if (!error.empty()) throw std::runtime_error(error);
      if (results == 0) lua_pushnil(L), results = 1;
      lua_pop(L, results - 1);
      int value = lua_gettop(L);
      if (target.kind == VarRef::value || target.kind == VarRef::globals) {
        lua_pushcfunction(L, assign_entry);
        if (target.kind == VarRef::globals)
          compat::push_globals(L);
        else
          push_ref(L, ref);  // the table the variable was listed from
        push_key(L, name);
        lua_pushvalue(L, value);
        if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
          std::string message = lua_tostring(L, -1) != nullptr ? lua_tostring(L, -1) : "error";
          throw std::runtime_error(message);
        }
      } else {
        Frame f = stop.frames[static_cast<std::size_t>(target.frame)];
        lua_Debug ar;
        if (lua_getstack(f.thread, f.level, &ar) == 0)
          throw std::runtime_error("the frame is gone");
        bool done = false;
        if (target.kind == VarRef::upvalues) {
          lua_getinfo(f.thread, "f", &ar);
          lua_xmove(f.thread, L, 1);
          for (int n = 1; !done; ++n) {
            const char* up = lua_getupvalue(L, -1, n);
            if (up == nullptr) break;
            lua_pop(L, 1);
            if (name == up) {
              lua_pushvalue(L, value);
              lua_setupvalue(L, -2, n);
              done = true;
            }
          }
          lua_pop(L, 1);
        } else {
          int sign = target.kind == VarRef::varargs ? -1 : 1;
          int found = 0;
          for (int n = 1;; ++n) {
            const char* local = lua_getlocal(f.thread, &ar, sign * n);
            if (local == nullptr) break;
            lua_pop(f.thread, 1);
            std::string shown = sign < 0 ? "[" + std::to_string(n) + "]" : local;
            if (shown == name) found = n;
          }
          if (found != 0) {
            lua_pushvalue(L, value);
            lua_xmove(L, f.thread, 1);
            lua_setlocal(f.thread, &ar, sign * found);
            done = true;
          }
        }
        if (!done) throw std::runtime_error("no variable named " + name);
      }
      Json out = describe(L, value, name);
      lua_settop(L, top);
      respond(request, {{"value", out["value"]},
                        {"type", out["type"]},
                        {"variablesReference", out["variablesReference"]}});
      return false;
    }
    if (command == "exceptionInfo") {
      respond(request, {{"exceptionId", "error"},
                        {"description", stop.exception_text},
                        {"breakMode", break_on_all_errors ? "always" : "unhandled"}});
      return false;
    }
    if (command == "continue" || command == "next" || command == "stepIn" || command == "stepOut") {
      step = command == "continue" ? StepKind::none
             : command == "next"   ? StepKind::over
             : command == "stepIn" ? StepKind::in
                                   : StepKind::out;
      step_thread = stop.active ? stop.thread : L;
      step_depth = stop.active ? stop.depth : stack_depth(L);
      respond(request,
              command == "continue" ? Json{{"allThreadsContinued", true}} : Json::object());
      return stop.active;
    }
    if (command == "pause") {
      if (!stop.active) pause_now = true;
      respond(request);
      return false;
    }
    if (command == "loadedSources") {
      Json sources = Json::array();
      std::set<std::string> seen;
      for (const auto& [key, chunk] : chunks)
        if (!chunk.path.empty() && seen.insert(chunk.path).second)
          sources.push_back(
              {{"name", chunk.path.substr(chunk.path.rfind('/') + 1)}, {"path", chunk.path}});
      respond(request, {{"sources", sources}});
      return false;
    }
    if (command == "disconnect") {
      bool terminate = arguments.value("terminateDebuggee", false);
      if (!terminate && arguments.value("moonringOutlive", false)) outlive_adapter();
      respond(request);
      if (terminate) {
        std::fflush(nullptr);
        ::_exit(1);
      }
      detach(L);
      return true;
    }
    fail(request, "unsupported request '" + command + "'");
  } catch (const std::exception& e) {
    lua_settop(L, top);
    fail(request, e.what());
  }
  return false;
}

}  // namespace moonring::lua::debug
