// Command line shared by every echo bench server: --port P --threads N --mode framed|raw.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "bench/echo/echo_mode.hpp"

namespace moonring::bench {

struct ServerOptions {
  std::uint16_t port = 0;
  unsigned threads = 1;
  EchoMode mode = EchoMode::kFramed;
};

[[noreturn]] inline void server_usage(const char* program, const char* problem) {
  std::fprintf(stderr, "%s: %s\nusage: %s --port P --threads N --mode framed|raw\n", program,
               problem, program);
  std::exit(2);
}

// Parses the flags or exits with status 2 and a usage message.
inline ServerOptions parse_server_options(int argc, char** argv) {
  const std::span<char*> args(argv, static_cast<std::size_t>(argc));
  const char* program = args.empty() ? "echo_server" : args[0];
  ServerOptions options;
  bool have_port = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (i + 1 >= args.size()) server_usage(program, "missing value after a flag");
    const std::string_view value = args[++i];
    if (flag == "--port") {
      const unsigned long port = std::strtoul(std::string(value).c_str(), nullptr, 10);
      if (port == 0 || port > 65535) server_usage(program, "bad --port");
      options.port = static_cast<std::uint16_t>(port);
      have_port = true;
    } else if (flag == "--threads") {
      const unsigned long threads = std::strtoul(std::string(value).c_str(), nullptr, 10);
      if (threads == 0 || threads > 256) server_usage(program, "bad --threads");
      options.threads = static_cast<unsigned>(threads);
    } else if (flag == "--mode") {
      const auto mode = parse_echo_mode(value);
      if (!mode) server_usage(program, "bad --mode");
      options.mode = *mode;
    } else {
      server_usage(program, "unknown flag");
    }
  }
  if (!have_port) server_usage(program, "--port is required");
  return options;
}

}  // namespace moonring::bench
