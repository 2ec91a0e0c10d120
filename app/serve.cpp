// Running protocol sessions for the command line (see serve.hpp).
#include "app/serve.hpp"

#include <atomic>
#include <cstdio>
#include <memory>

#include "protocol/transport.hpp"
#include "runtime/cancel.hpp"
#include "runtime/io_op.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace moonring::app {

namespace {
// Cancels `sessions` once process `pid` has exited (not when the runtime stops first). `gone`
// outlives the runtime, so it may be written to as long as a core runs.
Task<void> watch_client(int pid, std::shared_ptr<CancellationSource> sessions,
                        std::atomic<bool>* gone) {
  co_await protocol::wait_for_process_exit(pid);
  if (Core::current()->stopping() || sessions->cancelled()) co_return;
  std::fprintf(stderr, "moonring: client process %d is gone; exiting\n", pid);
  gone->store(true);
  sessions->cancel();
}
}  // namespace

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
  std::atomic<bool> client_gone{false};  // before the runtime: the watcher may write it
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
    // The sessions run under this source, which the --clientProcessId watcher cancels: they end
    // (and stop their services on every core) while the runtime still runs. Stopping the runtime
    // instead would let other cores leave while a session still needs them.
    auto sessions = std::make_shared<CancellationSource>(current_token());
    detail::AmbientTokenScope under(sessions->token());
    if (options->client_process_id) {
      // The LSP's --clientProcessId: when the editor is gone, so are we.
      spawn_detached(watch_client(*options->client_process_id, sessions, &client_gone));
    }
    auto served = co_await protocol::serve_transport(
        *options, [&](FdStream& in, FdStream& out, std::string name) -> Task<void> {
          exit_code = co_await session(in, out, std::move(name));
        });
    if (!served && !client_gone) {
      std::fprintf(stderr, "moonring %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                   served.error().message().c_str());
      exit_code = 1;
    }
  });
  if (client_gone) exit_code = 1;
  return exit_code;
}

}  // namespace moonring::app
