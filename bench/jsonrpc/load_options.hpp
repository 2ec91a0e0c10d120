// Command line of the jsonrpc load client (jsonrpc_load): which server, how much load, which
// message. Exits with a usage message on anything it does not understand.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace moonring::bench {

enum class MessageKind { hover, didchange_hover, completion, diagnostics };

struct LoadOptions {
  std::string spawn;    // shell command of a server speaking on stdin/stdout
  std::string connect;  // or HOST:PORT of a listening server
  std::string server_stderr = "/dev/null";
  int server_pid = 0;   // for server CPU figures with --connect
  int depth = 64;       // requests in flight
  double duration = 3;  // measured seconds
  double warmup = 0.5;  // seconds before measuring
  MessageKind message = MessageKind::hover;
};

[[noreturn]] inline void load_usage(const std::string& problem) {
  std::fprintf(stderr,
               "jsonrpc_load: %s\n"
               "usage: jsonrpc_load (--spawn \"CMD ARGS...\" | --connect HOST:PORT)\n"
               "         [--depth 64] [--duration 3] [--warmup 0.5]\n"
               "         [--message hover|didchange_hover|completion|diagnostics]\n"
               "         [--server-stderr FILE] [--server-pid PID]\n",
               problem.c_str());
  std::exit(2);
}

inline MessageKind parse_message_kind(std::string_view name) {
  if (name == "hover") return MessageKind::hover;
  if (name == "didchange_hover") return MessageKind::didchange_hover;
  if (name == "completion") return MessageKind::completion;
  if (name == "diagnostics") return MessageKind::diagnostics;
  load_usage("unknown message kind " + std::string(name));
}

inline LoadOptions parse_load_options(int argc, char** argv) {
  LoadOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) load_usage("missing value after " + std::string(flag));
    const std::string value = argv[++i];
    char* end = nullptr;
    const auto number = [&] {
      const double parsed = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || parsed < 0) {
        load_usage("bad number " + value + " for " + std::string(flag));
      }
      return parsed;
    };
    if (flag == "--spawn") {
      options.spawn = value;
    } else if (flag == "--connect") {
      options.connect = value;
    } else if (flag == "--server-stderr") {
      options.server_stderr = value;
    } else if (flag == "--server-pid") {
      options.server_pid = static_cast<int>(number());
    } else if (flag == "--depth") {
      options.depth = static_cast<int>(number());
    } else if (flag == "--duration") {
      options.duration = number();
    } else if (flag == "--warmup") {
      options.warmup = number();
    } else if (flag == "--message") {
      options.message = parse_message_kind(value);
    } else {
      load_usage("unknown option " + std::string(flag));
    }
  }
  if (options.spawn.empty() == options.connect.empty()) {
    load_usage("give exactly one of --spawn and --connect");
  }
  if (options.depth < 1) load_usage("--depth must be at least 1");
  if (options.duration <= 0) load_usage("--duration must be positive");
  return options;
}

}  // namespace moonring::bench
