// The `moonring` command line. Subcommands arrive with the layers that implement them.
#include <cstdio>
#include <cstring>
#include <string_view>

#include <vector>

#include "app/check/check_command.hpp"
#include "app/index/index_command.hpp"
#include "app/malloc_tuning.hpp"
#include "app/protocol_commands.hpp"
#include "app/run/run_command.hpp"
#include "runtime/runtime.hpp"

namespace {

int usage(FILE* out) {
  std::fputs(
      "usage: moonring <command> [options]\n"
      "\n"
      "commands:\n"
      "  lsp         the language server  [--stdio | --pipe=NAME | --socket=PORT |\n"
      "              --listen=HOST:PORT] [--clientProcessId=PID]\n"
      "  dap         the debug adapter    [--stdio | --listen=HOST:PORT]\n"
      "  run         run a Lua 5.4 program  [--listen=HOST:PORT [--wait] |\n"
      "              --debug-connect=HOST:PORT] SCRIPT [ARGS...]\n"
      "  check       check Lua files      [PATH...] [--format text|json|sarif]\n"
      "              [--lua-version V] [--jobs N] [--fail-on SEVERITY] (see check --help)\n"
      "  index       write a SCIP (or LSIF) index  [PATH...] [--output FILE]\n"
      "              [--format scip|lsif] [--shard K/N]; index merge A.scip ... -o OUT.scip\n"
      "  version     print the version and the runtime backend that this machine gets\n"
      "  help        this text\n",
      out);
  return out == stderr ? 2 : 0;
}

int version() {
  moonring::RuntimeConfig config;
  config.cores = 1;
  auto rt = moonring::Runtime::start(config);
  if (!rt) {
    std::fprintf(stderr, "moonring: %s\n", rt.error().message().c_str());
    return 1;
  }
  std::printf("moonring 0.1.0 (runtime backend: %s)\n",
              std::string(moonring::to_string((*rt)->backend_kind())).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  std::string_view command = argv[1];
  if (command == "version" || command == "--version") return version();
  if (command == "help" || command == "--help" || command == "-h") return usage(stdout);
  // The commands that build large heaps (not `run`: the user's program keeps its own malloc).
  if (command == "check" || command == "index" || command == "lsp" || command == "dap")
    moonring::app::tune_malloc(argv);
  std::vector<std::string_view> rest(argv + 2, argv + argc);
  if (command == "check") return moonring::app::check_command(argc, argv, 2);
  if (command == "index") return moonring::app::index_command(argc, argv, 2);
  if (command == "run") return moonring::app::run_command(argc, argv, 2);
  if (command == "lsp") return moonring::app::lsp_command(std::move(rest));
  if (command == "dap") return moonring::app::dap_command(std::move(rest));
  if (command == "jsonrpc-echo") return moonring::app::jsonrpc_echo_command(std::move(rest));
  std::fprintf(stderr, "moonring: unknown command '%s'\n", argv[1]);
  return usage(stderr);
}
