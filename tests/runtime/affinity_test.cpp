// Debug builds assert that core-affine objects stay on their core: a cancellation token copied
// on a thread that is not its core's aborts (in a child process, so the suite goes on).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "runtime/cancel.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;

namespace {
// Runs `body` in a forked child, silenced and with the default SIGABRT action (not Catch2's
// handler, which would report and carry on); its wait status.
template <typename F>
int in_child(F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}
}  // namespace

TEST_CASE("a cancellation token touched off its core aborts a debug build") {
#ifdef NDEBUG
  WARN("release build: core affinity is not checked");
#else
  auto touch_off_core = [](bool off_core) {
    return in_child([off_core] {
      RuntimeConfig config;
      config.cores = 1;
      auto rt = Runtime::start(config);
      if (!rt) ::_exit(3);
      // A token of a source made on core 0, carried out of the runtime.
      auto token = (*rt)->block_on([]() -> Task<CancellationToken> {
        auto* source = new CancellationSource;  // left alive: only its token matters here
        co_return source->token();
      });
      if (off_core) {
        CancellationToken copy = token;  // a reference count changed on the wrong thread
        (void)copy;
      } else {
        (*rt)->block_on([&token]() -> Task<void> {
          CancellationToken copy = token;  // the same, on core 0
          co_return;
        });
      }
      (*rt)->request_stop();
      (*rt)->join();
      ::_exit(0);  // the token is dropped after the core's loop ended: allowed, but skipped
    });
  };
  int on_core = touch_off_core(false);
  CHECK(WIFEXITED(on_core));
  CHECK(WEXITSTATUS(on_core) == 0);
  int off_core = touch_off_core(true);
  CHECK(WIFSIGNALED(off_core));
  CHECK(WTERMSIG(off_core) == SIGABRT);
#endif
}
