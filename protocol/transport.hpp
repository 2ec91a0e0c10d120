// How an editor connects: the LSP's command-line conventions (--stdio, --pipe=NAME,
// --socket=PORT, --listen=HOST:PORT, --clientProcessId=PID, and our --max-sessions=N), shared by
// `moonring lsp` and `moonring dap`. Listening sockets bind 127.0.0.1 unless told otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/net/address.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring::protocol {

struct TransportOptions {
  enum class Kind { stdio, pipe, socket, listen };
  Kind kind = Kind::stdio;
  std::string pipe_name;          // --pipe: a Unix socket the client listens on
  uint16_t socket_port = 0;       // --socket: 127.0.0.1:PORT where the client listens
  SocketAddress listen_address;   // --listen: where we listen, one session per connection
  std::size_t max_sessions = 64;  // --max-sessions (with --listen): sessions at once
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

// How a listening server takes its connections.
struct ListenPolicy {
  // A connection beyond this many running sessions is closed at once, with a line on stderr.
  std::size_t max_sessions = 64;
  // An accept that fails for want of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection
  // waits in the backlog, so retrying at once would spin) is retried after this delay, doubled
  // on each further failure up to `max_backoff`, and back to the first after a success.
  std::chrono::milliseconds first_backoff{10};
  std::chrono::milliseconds max_backoff{1000};
};

// What a listening server has done so far (tests read it; nothing else depends on it).
struct ListenStats {
  std::uint64_t accept_attempts = 0;
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;           // closed at once: max_sessions were running
  std::uint64_t backoff_episodes = 0;  // runs of failed accepts, each reported once on stderr
  std::size_t sessions = 0;            // running now
};

// Accepts connections on `listener` and runs `serve` for each, concurrently, on this core, until
// the ambient token is cancelled (sessions already running go on under the runtime's token).
// `stats`, if given, is kept current; sessions hold it, so it may outlive this task.
Task<Result<void>> serve_connections(TcpListener& listener, ListenPolicy policy, ServeSession serve,
                                     std::shared_ptr<ListenStats> stats = nullptr);

// Completes when process `pid` has exited (at once if it does not exist).
Task<void> wait_for_process_exit(int pid);

}  // namespace moonring::protocol
