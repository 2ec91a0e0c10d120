// The debug agent inside a Lua VM: speaks DAP with the adapter over TCP (docs/debugger.md),
// stops the VM on hooks and answers stack, scope, variable and evaluate queries from inside it.
// One agent per process: hooks receive only a lua_State, so they reach it through a global.
#pragma once

#include <lua.hpp>

#include <optional>
#include <string>

namespace moonring::lua::debug {

struct AgentOptions {
  std::string listen;                // HOST:PORT or PORT to accept debuggers on ("" for none)
  std::string connect;               // HOST:PORT of an adapter to connect to ("" for none)
  bool wait = false;                 // hold the program until a debugger sent configurationDone
  std::optional<std::string> token;  // the secret; none: made up (listen) or not checked
  bool no_auth = false;              // accept any hello
  bool stop_on_entry = false;        // stop before the program's first line
  std::string program;               // the script's absolute path ("" for an embedding program)
};

// Starts the agent for the state of L (called on the VM's thread, before the program runs).
// Listening binds and starts accepting; connecting connects and completes the hello; either
// with `wait` (or a connection) serves the debugger until configurationDone. Returns an error
// message, or "" when the agent runs.
std::string start_agent(lua_State* L, const AgentOptions& options);

// The program ended with `exit_code`: tells the debugger (exited, terminated) and closes.
void agent_program_ended(lua_State* L, int exit_code);

// An error no one caught is about to end the program (called from the message handler, with
// the erroring frames still on L's stack and the error value at the top): stops there when
// exception breakpoints ask for it.
void agent_uncaught_error(lua_State* L);

}  // namespace moonring::lua::debug
