// Running protocol sessions for the command line (see serve.hpp).
#include "app/serve.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
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

// SIGINT and SIGTERM read through a signalfd of ours rather than the runtime's
// (RuntimeConfig::stop_on_signals), so that a signal ends the sessions the way --clientProcessId
// does: stopping the runtime under a session let its service's work on other cores outlive it
// (issue 13). Blocked before the runtime's threads start, so every thread inherits the mask.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &before_);
    fd_ = signalfd(-1, &set_, SFD_CLOEXEC);
  }
  ~StopSignals() {
    if (fd_ >= 0) close(fd_);
    // One that came too late to be read is taken here, not delivered when the mask goes back.
    const timespec now{0, 0};
    while (sigtimedwait(&set_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  int fd() const { return fd_; }

 private:
  sigset_t set_{};
  sigset_t before_{};
  int fd_ = -1;
};

// The first signal cancels `sessions`; a second one stops the runtime, for a session that does
// not end. `signalled` outlives the runtime.
Task<void> watch_signals(int fd, std::shared_ptr<CancellationSource> sessions, Runtime* rt,
                         std::atomic<bool>* signalled) {
  for (bool first = true;; first = false) {
    signalfd_siginfo info;
    const int r =
        co_await IoAwaiter::read(fd, &info, sizeof(info), -1, Core::current()->stop_token());
    if (r != static_cast<int>(sizeof(info)) || Core::current()->stopping()) co_return;
    if (!first) {
      rt->request_stop();
      co_return;
    }
    signalled->store(true);
    sessions->cancel();
  }
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
  std::atomic<bool> client_gone{false};  // before the runtime: the watchers may write them
  std::atomic<bool> signalled{false};
  StopSignals signals;  // before the runtime, which it outlives
  if (signals.fd() < 0) {
    std::perror("moonring: signalfd");
    return 1;
  }
  RuntimeConfig config;
  config.shutdown_grace = std::chrono::milliseconds(2000);
  auto runtime = Runtime::start(config);
  if (!runtime) {
    std::fprintf(stderr, "moonring: %s\n", runtime.error().message().c_str());
    return 1;
  }
  Runtime* rt = runtime->get();
  int exit_code = 0;
  rt->block_on([&]() -> Task<void> {
    // The sessions run under this source, which a signal and the --clientProcessId watcher
    // cancel: they end
    // (and stop their services on every core) while the runtime still runs. Stopping the runtime
    // instead would let other cores leave while a session still needs them.
    auto sessions = std::make_shared<CancellationSource>(current_token());
    detail::AmbientTokenScope under(sessions->token());
    spawn_detached(watch_signals(signals.fd(), sessions, rt, &signalled));
    if (options->client_process_id) {
      // The LSP's --clientProcessId: when the editor is gone, so are we.
      spawn_detached(watch_client(*options->client_process_id, sessions, &client_gone));
    }
    auto served = co_await protocol::serve_transport(
        *options, [&](FdStream& in, FdStream& out, std::string name) -> Task<void> {
          exit_code = co_await session(in, out, std::move(name));
        });
    if (!served && !client_gone && !signalled) {
      std::fprintf(stderr, "moonring %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                   served.error().message().c_str());
      exit_code = 1;
    }
  });
  if (client_gone) exit_code = 1;
  if (signalled && !client_gone) exit_code = 0;  // asked to stop, and stopped cleanly
  return exit_code;
}

}  // namespace moonring::app
