// How an editor connects: the LSP's command-line conventions (--stdio, --pipe=NAME,
// --socket=PORT, --listen=HOST:PORT, --clientProcessId=PID), shared by `moonring lsp` and
// `moonring dap`. Listening sockets bind 127.0.0.1 unless told otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/net/address.hpp"
#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring::protocol {

struct TransportOptions {
  enum class Kind { stdio, pipe, socket, listen };
  Kind kind = Kind::stdio;
  std::string pipe_name;         // --pipe: a Unix socket the client listens on
  uint16_t socket_port = 0;      // --socket: 127.0.0.1:PORT where the client listens
  SocketAddress listen_address;  // --listen: where we listen, one session per connection
  std::optional<int> client_process_id;
};

// Takes the transport flags out of `args` (the rest is left for the caller); an error names the
// flag that is wrong.
Result<TransportOptions> parse_transport_flags(std::vector<std::string_view>& args);

// One connected session: bytes in, bytes out, and a name for messages.
using ServeSession = std::function<Task<void>(FdStream& input, FdStream& output, std::string name)>;

// Connects as the options say and runs `serve` for the session (for --listen: for every
// connection, concurrently, until the runtime stops).
Task<Result<void>> serve_transport(const TransportOptions& options, ServeSession serve);

// Completes when process `pid` has exited (at once if it does not exist).
Task<void> wait_for_process_exit(int pid);

}  // namespace moonring::protocol
