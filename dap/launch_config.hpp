// The launch and attach arguments as users write them in launch.json, read into values. Unknown
// fields are ignored (VS Code adds its own: type, request, name, __sessionId...) and null counts
// as absent; a missing or mistyped field is an error naming it ("launch: field 'args' must be an
// array of strings").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/result.hpp"

namespace moonring::dap {

// Where a launched program's stdin/stdout/stderr go.
enum class Console : uint8_t {
  internal,             // the adapter's pipes: output events ("internalConsole", the default)
  integrated_terminal,  // runInTerminal, kind "integrated" ("integratedTerminal")
  external_terminal,    // runInTerminal, kind "external" ("externalTerminal")
};

struct LaunchConfig {
  std::string program;  // required
  std::vector<std::string> args;
  std::optional<std::string> cwd;
  // Changes to the adapter's environment: a value, or nullopt to remove the variable.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  bool stop_on_entry = false;
  Console console = Console::internal;
};

struct AttachConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // required
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<int> pid;  // the token is read from the debuggee's token file
};

Result<LaunchConfig> read_launch_config(std::string_view arguments_json);
Result<AttachConfig> read_attach_config(std::string_view arguments_json);

}  // namespace moonring::dap
