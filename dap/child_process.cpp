// Child processes for launched debuggees (see child_process.hpp).
#include "dap/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "runtime/core.hpp"
#include "runtime/io_op.hpp"

extern char** environ;

namespace moonring::dap {
namespace {

// The environment `changes` make of ours, as "NAME=value" strings.
std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    vars[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& [name, value] : changes) {
    if (value)
      vars[name] = *value;
    else
      vars.erase(name);
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// A pipe whose read end (ours) suits the current core's backend and whose write end (the
// child's) is blocking, so the program's writes never fail with EAGAIN.
Result<std::pair<int, int>> output_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error(errno, "pipe");
  if (Core* core = Core::current(); core && core->backend().wants_nonblocking())
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return std::pair{fds[0], fds[1]};
}

// In the child, between fork and exec: only async-signal-safe calls. Reports errno on `report`.
[[noreturn]] void exec_child(const char* path, char** argv, char** envp, const char* cwd, int out,
                             int err, int report, pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // the runtime's threads block SIGINT and SIGTERM
  signal(SIGPIPE, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the adapter died before the line above
  int null = open("/dev/null", O_RDONLY);
  if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
  }
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
  }
  execve(path, argv, envp);
  int e = errno;
  (void)!write(report, &e, sizeof e);
  _exit(127);
}

}  // namespace

Result<ChildProcess> ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return errno_error(EINVAL, "spawn: no command");
  std::vector<std::string> args = options.argv;
  std::vector<std::string> env = environment_with(options.env);
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(env);

  auto out = output_pipe();
  if (!out) return out.take_error();
  auto err = output_pipe();
  if (!err) {
    ::close(out->first);
    ::close(out->second);
    return err.take_error();
  }
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    int e = errno;
    for (int fd : {out->first, out->second, err->first, err->second}) ::close(fd);
    return errno_error(e, "pipe");
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    exec_child(argv[0], argv.data(), envp.data(), options.cwd.c_str(), out->second, err->second,
               report[1], parent);
  }
  int fork_errno = errno;
  ::close(out->second);
  ::close(err->second);
  ::close(report[1]);
  if (pid < 0) {
    ::close(out->first);
    ::close(err->first);
    ::close(report[0]);
    return errno_error(fork_errno, "fork");
  }
  ChildProcess child;
  child.pid_ = pid;
  child.out_ = FdStream(out->first, "stdout of " + options.argv[0]);
  child.err_ = FdStream(err->first, "stderr of " + options.argv[0]);
  // exec closes the report pipe (CLOEXEC): an errno on it means exec failed.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    child.reap(true);
    std::string where = options.argv[0];
    if (exec_errno == ENOENT && !options.cwd.empty() && ::access(options.cwd.c_str(), F_OK) != 0)
      where = "cwd " + options.cwd;
    return errno_error(exec_errno, where);
  }
  child.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      pidfd_(std::exchange(o.pidfd_, -1)),
      status_(o.status_),
      released_(o.released_),
      out_(std::move(o.out_)),
      err_(std::move(o.err_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    this->~ChildProcess();
    new (this) ChildProcess(std::move(o));
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_ && !released_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  if (pid_ > 0 && !status_ && released_) {
    // Left running, but still our child: a server adapter (`moonring dap --listen`) may outlive
    // it by days, so a thread of its own reaps it when it ends (no zombie). The process exiting
    // first ends the thread too; the child then goes to init.
    std::thread([pid = pid_] {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }).detach();
  }
  close_fd(pidfd_);
}

bool ChildProcess::reap(bool block) {
  if (status_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  if (r < 0) {  // not ours to reap any more (should not happen): count it as gone
    status_ = 127;
    return true;
  }
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

Task<std::optional<int>> ChildProcess::wait() {
  while (!reap(false)) {
    if (pidfd_ < 0) {
      reap(true);  // no pidfd (an old kernel): block, the child has little left to do
      break;
    }
    const int32_t r = co_await IoAwaiter::poll(pidfd_, POLLIN, current_token());
    if (r < 0 && current_token().cancelled()) co_return std::nullopt;
  }
  co_return status_;
}

void ChildProcess::kill(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

}  // namespace moonring::dap
