// The agent's end of the TCP connection to the adapter: blocking sockets on the agent's own
// thread (the agent lives in any program's VM, so it brings no event loop), Content-Length
// framing, JSON bodies (docs/debugger.md).
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace moonring::lua::debug {

using Json = nlohmann::json;

// HOST:PORT or PORT (host 127.0.0.1); false on a malformed address.
bool split_address(const std::string& address, std::string& host, int& port);

// A listening socket bound to host:port; -1 and `error` set on failure.
int listen_on(const std::string& host, int port, std::string& error);
// The port a bound socket got (for port 0).
int bound_port(int fd);
// A connected socket to host:port; -1 and `error` set on failure.
int connect_to(const std::string& host, int port, std::string& error);

// One connection: reads whole messages, writes them whole (writes from any thread).
class Connection {
 public:
  // Takes the socket; turns Nagle's algorithm off (a response and an event are separate
  // writes, and the second must not wait for the peer's delayed ACK).
  explicit Connection(int fd);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The next message; nullopt at the end of the stream or on an error. Garbage between
  // messages (a header without Content-Length, a body that is not JSON) is skipped.
  std::optional<Json> read();
  // Writes one message; false once the peer is gone.
  bool write(const Json& message);
  // Ends the connection for both directions (a reader blocked in read() returns).
  void shut();

 private:
  bool fill();
  int fd_;
  std::string buffer_;
  std::mutex write_mutex_;
};

}  // namespace moonring::lua::debug
