// A launched debuggee: a child process with its stdout and stderr on pipes, awaited through a
// pidfd. It dies with the adapter (PR_SET_PDEATHSIG) and, unless released (the editor asked to
// leave it running), is killed and reaped when this object goes; a released one is reaped when
// it ends: the adapter never leaves an orphan it was not asked to leave, nor a zombie.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring::dap {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0]: an absolute path
  std::string cwd;
  // Changes to this process's environment: a value, or nullopt to remove the variable.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
};

class ChildProcess {
 public:
  // Starts the child with stdin from /dev/null and stdout/stderr on pipes (stdout_pipe(),
  // stderr_pipe()); an error says why exec failed ("moonring: No such file or directory").
  static Result<ChildProcess> spawn(const SpawnOptions& options);

  ChildProcess() = default;
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  int pid() const { return pid_; }
  FdStream& stdout_pipe() { return out_; }
  FdStream& stderr_pipe() { return err_; }

  // Waits until the child has exited and reaps it: its exit status, or 128 + the signal that
  // killed it (as a shell reports it). At once when already reaped. Cancellable (nullopt).
  Task<std::optional<int>> wait();
  bool exited() const { return status_.has_value(); }
  std::optional<int> exit_status() const { return status_; }
  // Sends `signal` unless the child has been reaped.
  void kill(int signal);
  // Leaves the child running when this object goes (disconnect with terminateDebuggee false):
  // not killed; a detached thread reaps it whenever it ends.
  void release() { released_ = true; }

 private:
  bool reap(bool block);

  int pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
  bool released_ = false;
  FdStream out_;
  FdStream err_;
};

}  // namespace moonring::dap
