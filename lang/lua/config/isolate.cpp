// The child process of run_isolated: fork, limits, one answer over a pipe, and the parent's
// reading of how the child ended.
//
// Why fork, and not posix_spawn of /proc/self/exe with a hidden subcommand: this library is also
// linked into test programs (and, later, the language server), where /proc/self/exe is not
// moonring; fork keeps one code path for all of them. Forking is safe where the caller is the
// only thread: `moonring check` reads its configuration before it starts any (the loader, the
// walks and the runtime come later). From a process that has other threads, glibc's fork still
// leaves malloc usable in the child; a lock that another thread held at the fork would make the
// child wait for ever, and the parent's wall-clock deadline turns that into an error too.
#include "lang/lua/config/isolate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "lang/lua/config/error.hpp"

namespace moonring::lua::config {
namespace {

// The CPU timer fires a little after the sandbox's own check (which gives the more precise
// message), so it only stops what that check cannot reach: a long call inside C.
constexpr double kTimerGrace = 0.25;

// The share of a window of real time a running child gets even on a loaded machine; less, and
// it is taken to be blocked.
constexpr double kMinProgress = 0.02;

// The CPU time a child has used so far; -1 when it cannot be read (then it counts as blocked).
double child_cpu_seconds(pid_t pid) {
  clockid_t clock{};
  timespec ts{};
  if (::clock_getcpuclockid(pid, &clock) != 0 || ::clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

// The address space the calling process has now, in bytes (0 when /proc cannot say).
std::size_t address_space_now() {
  FILE* f = std::fopen("/proc/self/statm", "re");
  if (f == nullptr) return 0;
  unsigned long pages = 0;
  const int read = std::fscanf(f, "%lu", &pages);
  std::fclose(f);
  if (read != 1) return 0;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The child's answer: 'V' and the text, or 'E', the error's code (one byte) and its context.
std::string encode_answer(const Result<std::string>& r) {
  if (r) return "V" + r.value();
  const Error& e = r.error();
  if (e.code.category() == config_category())
    return "E" + std::string(1, static_cast<char>(e.code.value())) + e.context;
  return "E" + std::string(1, static_cast<char>(ConfigErrc::lua_error)) + e.message();
}

std::optional<Result<std::string>> decode_answer(const std::string& answer) {
  if (answer.starts_with('V')) return Result<std::string>(answer.substr(1));
  if (answer.size() >= 2 && answer[0] == 'E') {
    const auto code = static_cast<ConfigErrc>(static_cast<unsigned char>(answer[1]));
    return Result<std::string>(config_error(code, answer.substr(2)));
  }
  return std::nullopt;
}

[[noreturn]] void child_main(int fd, const IsolationLimits& limits, std::size_t address_space,
                             const std::function<Result<std::string>()>& work) {
  // The parent's signal mask and handlers do not apply here (a runtime blocks some signals):
  // the limits' signals must end the child.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_UNBLOCK, &all, nullptr);
  for (int sig : {SIGPROF, SIGXCPU, SIGPIPE, SIGSEGV, SIGABRT}) ::signal(sig, SIG_DFL);

  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  // The precise stop: a CPU-time timer. The backstop, in whole seconds: RLIMIT_CPU (SIGXCPU,
  // then SIGKILL a second later), in case the timer's signal were somehow held off.
  itimerval timer{};
  const double at = limits.cpu_seconds + kTimerGrace;
  timer.it_value.tv_sec = static_cast<time_t>(at);
  timer.it_value.tv_usec = static_cast<suseconds_t>((at - std::floor(at)) * 1e6);
  setitimer(ITIMER_PROF, &timer, nullptr);
  const auto cpu = static_cast<rlim_t>(std::ceil(at)) + 1;
  const rlimit cpu_limit{cpu, cpu + 1};
  setrlimit(RLIMIT_CPU, &cpu_limit);
  if (limits.memory_bytes > 0 && address_space > 0) {
    const rlimit as{address_space + limits.memory_bytes, address_space + limits.memory_bytes};
    setrlimit(RLIMIT_AS, &as);
  }

  std::string answer;
  try {
    answer = encode_answer(work());
  } catch (const std::bad_alloc&) {
    answer = encode_answer(config_error(ConfigErrc::limit_exceeded, "out of address space"));
  }
  _exit(write_all(fd, answer) ? 0 : 1);
}

}  // namespace

Result<std::string> run_isolated(const std::string& path, const IsolationLimits& limits,
                                 const std::function<Result<std::string>()>& work) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error(errno, path + ": pipe");
  const std::size_t address_space = address_space_now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return errno_error(err, path + ": fork");
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(fds[1], limits, address_space, work);
  }
  ::close(fds[1]);

  // Read the answer until the child closes the pipe (it exits) or it stops making progress: at
  // the end of each window of wall_seconds the child must have had some CPU time in it, or it is
  // blocked (a lock held at the fork) and is killed. A child starved by a loaded machine goes on,
  // and its own CPU limit still bounds it.
  using Clock = std::chrono::steady_clock;
  const auto window = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(limits.wall_seconds));
  auto deadline = Clock::now() + window;
  double cpu_at_window_start = 0;
  std::string answer;
  bool overran = false;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      const double cpu = child_cpu_seconds(pid);
      if (cpu - cpu_at_window_start < kMinProgress * limits.wall_seconds) {
        overran = true;
        break;
      }
      cpu_at_window_start = cpu;
      deadline += window;
      continue;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timed out: the loop's check decides
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (overran) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  const std::string cpu = seconds_text(limits.cpu_seconds);
  if (overran) {
    return config_error(ConfigErrc::limit_exceeded, path + ": evaluation made no progress in " +
                                                        seconds_text(limits.wall_seconds) +
                                                        " seconds of real time and was stopped");
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGPROF || sig == SIGXCPU) {
      return config_error(
          ConfigErrc::limit_exceeded,
          path + ": exceeded " + cpu + " seconds of CPU time (stopped inside a library call)");
    }
    return config_error(ConfigErrc::limit_exceeded, path + ": evaluation was killed by signal " +
                                                        std::to_string(sig) + " (" +
                                                        ::strsignal(sig) + ")");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (auto decoded = decode_answer(answer)) return std::move(*decoded);
  }
  return config_error(ConfigErrc::lua_error, path + ": evaluation ended without an answer");
}

}  // namespace moonring::lua::config
