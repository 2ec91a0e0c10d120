// The agent's session: the socket thread (accept or connect, the hello, reading requests into
// the inbox), the serve loop on the VM thread, request dispatch, detach and the program's end.
#include "lang/lua/debug/agent/agent_state.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {

Agent* g_agent = nullptr;

namespace {

std::string random_token() {
  std::random_device device;
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kHex[device() & 15];
  return token;
}

// Writes the token to $XDG_RUNTIME_DIR/moonring/PID.token (else ~/.cache/moonring/PID.token),
// readable by the user alone; returns its path or "" (and `error`).
std::string write_token_file(const std::string& token, std::string& error) {
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  std::string dir;
  if (runtime_dir != nullptr && runtime_dir[0] == '/') {
    dir = std::string(runtime_dir) + "/moonring";
  } else {
    const char* home = std::getenv("HOME");
    dir = std::string(home != nullptr ? home : "") + "/.cache";
    ::mkdir(dir.c_str(), 0700);
    dir += "/moonring";
  }
  ::mkdir(dir.c_str(), 0700);
  std::string path = dir + "/" + std::to_string(::getpid()) + ".token";
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "token file " + path + ": " + std::strerror(errno);
    return "";
  }
  std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) {
    error = "token file " + path + ": short write";
    return "";
  }
  return path;
}

std::string current_directory() {
  char buffer[PATH_MAX];
  return ::getcwd(buffer, sizeof buffer) != nullptr ? buffer : "";
}

// The hello (docs/debugger.md): answers it on the socket thread; true when accepted.
bool greet(Agent& agent, Connection& connection) {
  std::optional<Json> hello = connection.read();
  if (!hello) return false;
  Json response = {{"type", "response"},
                   {"request_seq", hello->value("seq", 0)},
                   {"command", hello->value("command", "")}};
  const Json* arguments = hello->contains("arguments") ? &(*hello)["arguments"] : nullptr;
  bool is_hello =
      hello->value("type", "") == "request" && hello->value("command", "") == "moonringHello";
  std::string offered;
  if (arguments != nullptr && arguments->is_object() && arguments->contains("token") &&
      (*arguments)["token"].is_string())
    offered = (*arguments)["token"].get<std::string>();
  bool token_ok = agent.options.no_auth || agent.token.empty() || offered == agent.token;
  if (!is_hello || !token_ok) {
    response["seq"] = ++agent.seq;
    response["success"] = false;
    response["message"] = is_hello ? "invalid token" : "expected moonringHello";
    connection.write(response);
    std::fprintf(stderr, "moonring: refused a debugger: %s\n",
                 is_hello ? "invalid token" : "no moonringHello");
    std::fflush(stderr);
    return false;
  }
  response["seq"] = ++agent.seq;
  response["success"] = true;
  response["body"] = {
      {"pid", static_cast<int>(::getpid())},
      {"luaVersion", compat::version_name()},
      {"program", agent.options.program.empty() ? Json(nullptr) : Json(agent.options.program)},
      {"cwd", current_directory()}};
  if (arguments != nullptr && arguments->is_object() && arguments->value("stopOnEntry", false))
    response["body"]["stopOnEntry"] = true;
  connection.write(response);
  return true;
}

// `cancel`, answered on the socket thread: the VM may be busy with the very request. One still
// in the inbox is dropped and answered "cancelled"; one running (an evaluation) is ended by its
// thread's count hook (inspect.cpp), and its answer says why.
void cancel(Agent& agent, Connection& connection, const Json& message) {
  std::int64_t id = 0;
  if (message.contains("arguments") && message["arguments"].is_object())
    id = message["arguments"].value("requestId", std::int64_t{0});
  std::optional<Json> dropped;
  {
    std::lock_guard lock(agent.mutex);
    agent.cancelled_request = id;
    for (auto it = agent.inbox.begin(); it != agent.inbox.end(); ++it) {
      if (it->value("type", "") == "request" && it->value("seq", std::int64_t{0}) == id &&
          id != 0) {
        dropped = std::move(*it);
        agent.inbox.erase(it);
        break;
      }
    }
  }
  if (dropped)
    connection.write({{"seq", ++agent.seq},
                      {"type", "response"},
                      {"request_seq", id},
                      {"success", false},
                      {"command", dropped->value("command", "")},
                      {"message", "cancelled"}});
  connection.write({{"seq", ++agent.seq},
                    {"type", "response"},
                    {"request_seq", message.value("seq", 0)},
                    {"success", true},
                    {"command", "cancel"}});
}

// Reads one debugger's requests into the inbox until it leaves.
void run_session(Agent& agent, const std::shared_ptr<Connection>& connection) {
  std::uint64_t session = 0;
  {
    std::lock_guard lock(agent.mutex);
    agent.connection = connection;
    agent.attached = true;
    session = ++agent.session;
  }
  while (std::optional<Json> message = connection->read()) {
    if (message->value("type", "") != "request" || !message->contains("command") ||
        !(*message)["command"].is_string()) {
      Json response = {
          {"seq", ++agent.seq}, {"type", "response"}, {"request_seq", message->value("seq", 0)},
          {"success", false},   {"command", ""},      {"message", "not a request"}};
      connection->write(response);
      continue;
    }
    if ((*message)["command"] == "cancel") {
      cancel(agent, *connection, *message);
      continue;
    }
    std::lock_guard lock(agent.mutex);
    agent.inbox.push_back(std::move(*message));
    agent.arm_service_locked();
    agent.wake.notify_all();
  }
  std::lock_guard lock(agent.mutex);
  // By session number, not by the connection's address: the next debugger's connection may
  // be allocated where this one was, and must not be taken for it.
  agent.inbox.push_back(Json{{"type", "_detached"}, {"session", session}});
  agent.arm_service_locked();
  agent.wake.notify_all();
}

void accept_loop(Agent* agent) {
  for (;;) {
    int fd = ::accept4(agent->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    auto connection = std::make_shared<Connection>(fd);
    if (!greet(*agent, *connection)) continue;
    run_session(*agent, connection);
    // Wait for the VM to take the detach before accepting the next debugger.
    std::unique_lock lock(agent->mutex);
    agent->wake.wait(lock, [&] { return !agent->attached; });
  }
}

}  // namespace

void Agent::send(Json message) {
  std::shared_ptr<Connection> to;
  {
    std::lock_guard lock(mutex);
    to = connection;
  }
  if (!to) return;
  message["seq"] = ++seq;
  to->write(message);
}

void Agent::respond(const Json& request, Json body) {
  send({{"type", "response"},
        {"request_seq", request.value("seq", 0)},
        {"command", request.value("command", "")},
        {"success", true},
        {"body", std::move(body)}});
}

void Agent::fail(const Json& request, const std::string& message) {
  send({{"type", "response"},
        {"request_seq", request.value("seq", 0)},
        {"command", request.value("command", "")},
        {"success", false},
        {"message", message}});
}

void Agent::event(const char* name, Json body) {
  send({{"type", "event"}, {"event", name}, {"body", std::move(body)}});
}

void Agent::serve(lua_State* L) {
  for (;;) {
    Json request;
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return !inbox.empty(); });
      request = std::move(inbox.front());
      inbox.pop_front();
    }
    if (handle(L, request)) return;
  }
}

void Agent::detach(lua_State* L) {
  breakpoints.clear();
  ++generation;
  function_breakpoints.clear();
  break_on_all_errors = break_on_uncaught = false;
  catch_errors(L, false);
  forget_verdicts(L);
  step = StepKind::none;
  pause_now = false;
  clear_refs(L);
  std::shared_ptr<Connection> old;
  {
    std::lock_guard lock(mutex);
    old = std::move(connection);
    connection.reset();
    attached = false;
    inbox.clear();
    wake.notify_all();
  }
  if (old) old->shut();
  configured = true;  // a held program runs on once its debugger is gone
  update_hook(L);
  if (main != L) update_hook(main);
}

namespace {

// os.exit, wrapped: the debugger hears of the exit before the process ends.
int exit_wrapper(lua_State* L) {
  int code = EXIT_SUCCESS;
  if (lua_isboolean(L, 1))
    code = lua_toboolean(L, 1) ? EXIT_SUCCESS : EXIT_FAILURE;
  else if (!lua_isnoneornil(L, 1))
    code = static_cast<int>(luaL_optinteger(L, 1, EXIT_SUCCESS));
  agent_program_ended(L, code);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void wrap_os_exit(lua_State* L) {
  lua_getglobal(L, "os");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "exit");
    if (lua_isfunction(L, -1)) {
      lua_pushcclosure(L, exit_wrapper, 1);
      lua_setfield(L, -2, "exit");
    } else {
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

}  // namespace

std::string start_agent(lua_State* L, const AgentOptions& options) {
  if (g_agent != nullptr) return "the debug agent is already running";
  // The agent lives until the process ends: its socket thread may be blocked in accept().
  auto* agent = new Agent(options);
  compat::push_main_thread(L);
  agent->main = lua_tothread(L, -1);
  lua_pop(L, 1);
  if (agent->main == nullptr) agent->main = L;
  agent->stop_on_entry = options.stop_on_entry;
  if (!options.no_auth && options.token) agent->token = *options.token;
  wrap_os_exit(L);
  agent->note_coroutine_functions(L);
  std::string error;
  if (!options.listen.empty()) {
    std::string host;
    int port = 0;
    if (!split_address(options.listen, host, port)) return "bad address '" + options.listen + "'";
    agent->listen_fd = listen_on(host, port, error);
    if (agent->listen_fd < 0) return error;
    if (!options.no_auth && !options.token) {
      agent->token = random_token();
      std::string path = write_token_file(agent->token, error);
      if (path.empty()) return error;
      std::fprintf(stderr, "moonring: debugger token in %s\n", path.c_str());
    }
    std::fprintf(stderr, "moonring: debugger listening on %s:%d\n", host.c_str(),
                 bound_port(agent->listen_fd));
    std::fflush(stderr);
    g_agent = agent;
    agent->socket_thread = std::thread(accept_loop, agent);
    agent->socket_thread.detach();
    if (options.wait) agent->serve(L);
    return "";
  }
  std::string host;
  int port = 0;
  if (!split_address(options.connect, host, port)) return "bad address '" + options.connect + "'";
  int fd = connect_to(host, port, error);
  if (fd < 0) return error;
  auto connection = std::make_shared<Connection>(fd);
  if (!greet(*agent, *connection)) return "the debugger's hello was refused";
  g_agent = agent;
  agent->socket_thread = std::thread([agent, connection] { run_session(*agent, connection); });
  agent->socket_thread.detach();
  // A launched program waits for its debugger's configuration.
  {
    std::unique_lock lock(agent->mutex);
    agent->wake.wait(lock, [&] { return agent->attached.load(); });
  }
  agent->serve(L);
  return "";
}

void agent_uncaught_error(lua_State* L) {
  agent_error_raised(L, false);
}

void agent_error_raised(lua_State* L, bool caught, lua_State* raised_on) {
  Agent* agent = g_agent;
  if (agent == nullptr || !agent->attached || agent->stop.active ||
      !(caught ? agent->break_on_all_errors
               : agent->break_on_uncaught || agent->break_on_all_errors))
    return;
  // Not inside a hook: evaluations while stopped here must not fire hooks of their own.
  lua_sethook(L, nullptr, 0, 0);
  const char* text = lua_tostring(L, -1);
  agent->stop.exception_text = text != nullptr ? text : luaL_typename(L, -1);
  std::string description = agent->stop.exception_text;
  agent->stop_here(L, "exception", {{"description", description}, {"text", description}},
                   raised_on);
  agent->update_hook(L);
}

void agent_program_ended(lua_State* L, int exit_code) {
  Agent* agent = g_agent;
  if (agent == nullptr) return;
  {
    std::lock_guard lock(agent->mutex);
    agent->vm_gone = true;  // the state is about to close: the socket thread must not touch it
  }
  if (!agent->attached) return;
  agent->event("exited", {{"exitCode", exit_code}});
  agent->event("terminated");
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(agent->mutex);
    connection = agent->connection;
  }
  if (connection) connection->shut();
  (void)L;
}

}  // namespace moonring::lua::debug
