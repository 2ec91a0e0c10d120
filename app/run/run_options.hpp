// `moonring run`'s command line: the debugger flags, then the script and its arguments.
#pragma once

#include <optional>
#include <string>

namespace moonring::app::run {

struct RunOptions {
  std::string listen;                // --listen=HOST:PORT (or PORT): let a debugger attach
  bool wait = false;                 // --wait: hold the program until a debugger has configured
  std::string debug_connect;         // --debug-connect=HOST:PORT: connect out to an adapter
  std::optional<std::string> token;  // --token=SECRET
  bool no_auth = false;              // --no-auth
  bool stop_on_entry = false;        // --stop-on-entry
  int script = 0;  // argv index of the script ("-" is stdin); 0 when none was given
};

// Parses argv[first..]: flags up to the first non-flag (or `--`), which is the script. Returns
// the options or an error message for the usage line.
struct ParsedRun {
  RunOptions options;
  std::string error;  // empty when the line was good
};
ParsedRun parse_run_options(int argc, char** argv, int first);

}  // namespace moonring::app::run
