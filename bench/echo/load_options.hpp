// Command line of the echo load generator (echo_load).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "bench/echo/echo_mode.hpp"

namespace moonring::bench {

struct LoadOptions {
  std::uint16_t port = 0;
  unsigned connections = 64;
  unsigned depth = 16;    // requests in flight per connection
  double duration_s = 3;  // measured window
  double warmup_s = 0.5;  // load before the window, not measured
  EchoMode mode = EchoMode::kFramed;
  unsigned threads = 1;
  pid_t server_pid = 0;  // if set, the server's CPU time over the window is reported too
};

[[noreturn]] inline void load_usage(const char* problem) {
  std::fprintf(stderr,
               "echo_load: %s\nusage: echo_load --port P [--connections C] [--depth D] "
               "[--duration S] [--warmup S] [--mode framed|raw] [--threads T] "
               "[--server-pid PID]\n",
               problem);
  std::exit(2);
}

// Parses the flags or exits with status 2 and a usage message. Everything is bounded so a run
// always ends by itself.
inline LoadOptions parse_load_options(int argc, char** argv) {
  const std::span<char*> args(argv, static_cast<std::size_t>(argc));
  LoadOptions o;
  const auto number = [](std::string_view value, double low, double high, const char* flag) {
    char* end = nullptr;
    const std::string text(value);
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(v >= low && v <= high)) load_usage(flag);
    return v;
  };
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (i + 1 >= args.size()) load_usage("missing value after a flag");
    const std::string_view value = args[++i];
    if (flag == "--port") {
      o.port = static_cast<std::uint16_t>(number(value, 1, 65535, "bad --port"));
    } else if (flag == "--connections") {
      o.connections = static_cast<unsigned>(number(value, 1, 10000, "bad --connections"));
    } else if (flag == "--depth") {
      o.depth = static_cast<unsigned>(number(value, 1, 1024, "bad --depth"));
    } else if (flag == "--duration") {
      o.duration_s = number(value, 0.1, 600, "bad --duration");
    } else if (flag == "--warmup") {
      o.warmup_s = number(value, 0, 60, "bad --warmup");
    } else if (flag == "--threads") {
      o.threads = static_cast<unsigned>(number(value, 1, 64, "bad --threads"));
    } else if (flag == "--server-pid") {
      o.server_pid = static_cast<pid_t>(number(value, 1, 1 << 22, "bad --server-pid"));
    } else if (flag == "--mode") {
      const auto mode = parse_echo_mode(value);
      if (!mode) load_usage("bad --mode");
      o.mode = *mode;
    } else {
      load_usage("unknown flag");
    }
  }
  if (o.port == 0) load_usage("--port is required");
  if (o.threads > o.connections) o.threads = o.connections;
  return o;
}

}  // namespace moonring::bench
