// run_isolated: the child's answer comes back as it was; a blocked, killed or busy child is an
// error value naming the file, in bounded time.
#include "lang/lua/config/isolate.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "lang/lua/config/error.hpp"

using namespace moonring;
using namespace moonring::lua::config;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("isolate: a value and an error come back as they were", "[config][isolate]") {
  IsolationLimits limits;
  auto value =
      run_isolated("/w/x", limits, [] { return Result<std::string>(std::string("a\0b", 3)); });
  REQUIRE(value.ok());
  CHECK(*value == std::string("a\0b", 3));
  auto error = run_isolated("/w/x", limits, []() -> Result<std::string> {
    return config_error(ConfigErrc::lua_error, "/w/x:3: boom");
  });
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().code == make_error_code(ConfigErrc::lua_error));
  CHECK(error.error().context == "/w/x:3: boom");
}

TEST_CASE("isolate: a blocked child is stopped by the real-time window", "[config][isolate]") {
  IsolationLimits limits;
  limits.wall_seconds = 1;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_isolated("/w/x", limits, []() -> Result<std::string> {
    ::pause();  // blocked for ever, as on a lock another thread held at the fork
    return std::string();
  });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().context ==
        "/w/x: evaluation made no progress in 1 seconds of real time and "
        "was stopped");
  CHECK(seconds_since(start) < 10);
}

TEST_CASE("isolate: a busy child is stopped by its CPU limit", "[config][isolate]") {
  IsolationLimits limits;
  limits.cpu_seconds = 0.5;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_isolated("/w/x", limits, []() -> Result<std::string> {
    volatile unsigned long n = 0;
    for (;;) n = n + 1;
  });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().context ==
        "/w/x: exceeded 0.5 seconds of CPU time (stopped inside a library call)");
  CHECK(r.error().code == make_error_code(ConfigErrc::limit_exceeded));
  CHECK(seconds_since(start) < 30);
}

TEST_CASE("isolate: a child killed by a signal is an error", "[config][isolate]") {
  auto r = run_isolated("/w/x", IsolationLimits{}, []() -> Result<std::string> {
    ::kill(::getpid(), SIGKILL);
    return std::string();
  });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().context.starts_with("/w/x: evaluation was killed by signal 9"));
}
