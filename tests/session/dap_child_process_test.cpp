// A launched debuggee's process (dap/child_process): its output on pipes, its exit status (or
// 128 + the signal that killed it), exec failures as errors, the environment and cwd it is
// given, and that it never outlives its ChildProcess (killed and reaped, no zombie left).
#include <signal.h>

#include <cerrno>
#include <string>

#include "dap/child_process.hpp"
#include "runtime/spawn.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;

namespace {
// Everything on `stream` until its end.
Task<std::string> read_all(FdStream& stream) {
  std::string out;
  char buffer[4096];
  for (;;) {
    auto n = co_await stream.read_some(std::as_writable_bytes(std::span(buffer)));
    if (!n || *n == 0) break;
    out.append(buffer, *n);
  }
  co_return out;
}

bool process_exists(int pid) {
  return ::kill(pid, 0) == 0 || errno != ESRCH;
}
}  // namespace

TEST_CASE("a child's stdout, stderr and exit status") {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto child = dap::ChildProcess::spawn(
        {{"/bin/sh", "-c", "echo out; echo err >&2; echo \"$A-${HOME:-unset}-$(pwd)\"; exit 3"},
         "/tmp",
         {{"A", "1"}, {"HOME", std::nullopt}}});
    if (!child) FAIL(child.error().message());
    std::string out = co_await read_all(child->stdout_pipe());
    std::string err = co_await read_all(child->stderr_pipe());
    std::optional<int> status = co_await child->wait();
    CHECK(out == "out\n1-unset-/tmp\n");
    CHECK(err == "err\n");
    REQUIRE(status.has_value());
    CHECK(*status == 3);
    CHECK(child->exited());
  });
}

TEST_CASE("exec failures and a bad cwd are errors naming what failed") {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto missing = dap::ChildProcess::spawn({{"/nonexistent/moonring"}, "", {}});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message() == "/nonexistent/moonring: No such file or directory");
    auto bad_cwd = dap::ChildProcess::spawn({{"/bin/true"}, "/nonexistent/dir", {}});
    REQUIRE_FALSE(bad_cwd.ok());
    CHECK(bad_cwd.error().message() == "cwd /nonexistent/dir: No such file or directory");
    co_return;
  });
}

TEST_CASE("a killed child reports 128 + the signal; a dropped one is killed and reaped") {
  auto rt = test::start_runtime();
  rt->block_on([&]() -> Task<void> {
    auto child = dap::ChildProcess::spawn({{"/bin/sleep", "100"}, "", {}});
    if (!child) FAIL(child.error().message());
    child->kill(SIGKILL);
    std::optional<int> status = co_await child->wait();
    REQUIRE(status.has_value());
    CHECK(*status == 128 + SIGKILL);

    int pid = 0;
    {
      auto dropped = dap::ChildProcess::spawn({{"/bin/sleep", "100"}, "", {}});
      if (!dropped) FAIL(dropped.error().message());
      pid = dropped->pid();
      CHECK(process_exists(pid));
    }
    CHECK_FALSE(process_exists(pid));  // not even a zombie: reaped
  });
}
