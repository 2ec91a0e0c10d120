// The seam between the debug adapter and a language's debugger. dap/ speaks DAP to the editor and
// to the agent inside the debuggee, and knows no language; a DebugBackend says how to run a
// program under the language's agent, where a listening debuggee keeps its secret, and what the
// agent's handshake and exception breakpoints are called. lang/lua/debug/backend.* is Lua's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace moonring::service {

// A program to debug, as the launch configuration gives it, and where its agent reports.
struct DebugLaunch {
  std::string program;  // as the user wrote it: absolute, or relative to `cwd`
  std::vector<std::string> args;
  std::string cwd;  // absolute: the configuration's, else the adapter's
  bool stop_on_entry = false;
  std::string agent_address;  // HOST:PORT where the adapter waits for the agent to connect
  std::string token;          // the secret the agent must be given back in the handshake
};

// A command line: argv[0] is the executable's absolute path.
struct DebugCommand {
  std::vector<std::string> argv;
};

// What the agent's first exchange needs. The adapter sends `command` with the token and the
// client's line/column bases; the agent's reply names its VM in the field `version_field`.
struct AgentHandshake {
  std::string_view command;
  std::string_view version_field;
};

// One filter of setExceptionBreakpoints, as the initialize response advertises it.
struct ExceptionFilter {
  std::string_view filter;
  std::string_view label;
  std::string_view description;
  bool on_by_default = false;
};

class DebugBackend {
 public:
  virtual ~DebugBackend() = default;

  // The language's name in messages ("Lua").
  virtual std::string_view language() const = 0;
  // The command that runs `launch.program` under the agent, which connects to
  // `launch.agent_address`; an error says what is wrong with the program ("program 'x.lua': No
  // such file or directory").
  virtual Result<DebugCommand> launch_command(const DebugLaunch& launch) const = 0;
  virtual AgentHandshake handshake() const = 0;
  virtual std::vector<ExceptionFilter> exception_filters() const = 0;
  // The file where a debuggee listening with a generated token keeps it, by its process id.
  virtual std::string token_file(int pid) const = 0;
};

}  // namespace moonring::service
