// Running protocol sessions for the command line (see serve.hpp).
#include "app/serve.hpp"

#include <cstdio>

#include "protocol/transport.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"

namespace moonring::app {

int serve(std::string_view command, std::vector<std::string_view> args, Session session) {
  auto options = protocol::parse_transport_flags(args);
  if (!options) {
    std::fprintf(stderr, "moonring %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                 options.error().message().c_str());
    return 2;
  }
  if (!args.empty()) {
    std::fprintf(stderr, "moonring %.*s: unknown argument '%.*s'\n",
                 static_cast<int>(command.size()), command.data(),
                 static_cast<int>(args.front().size()), args.front().data());
    return 2;
  }
  RuntimeConfig config;
  config.stop_on_signals = true;
  config.shutdown_grace = std::chrono::milliseconds(2000);
  auto runtime = Runtime::start(config);
  if (!runtime) {
    std::fprintf(stderr, "moonring: %s\n", runtime.error().message().c_str());
    return 1;
  }
  Runtime* rt = runtime->get();
  int exit_code = 0;
  rt->block_on([&]() -> Task<void> {
    if (options->client_process_id) {
      // The LSP's --clientProcessId: when the editor is gone, so are we.
      spawn_detached([](int pid, Runtime* r) -> Task<void> {
        co_await protocol::wait_for_process_exit(pid);
        if (!Core::current()->stopping()) {
          std::fprintf(stderr, "moonring: client process %d is gone; exiting\n", pid);
          r->request_stop();
        }
      }(*options->client_process_id, rt));
    }
    auto served = co_await protocol::serve_transport(
        *options, [&](FdStream& in, FdStream& out, std::string name) -> Task<void> {
          exit_code = co_await session(in, out, std::move(name));
        });
    if (!served) {
      std::fprintf(stderr, "moonring %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                   served.error().message().c_str());
      exit_code = 1;
    }
  });
  if (rt->stop_requested() && options->client_process_id) exit_code = 1;
  return exit_code;
}

}  // namespace moonring::app
