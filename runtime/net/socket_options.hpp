// Socket options that protocol connections and servers set, applied in one place.
#pragma once

#include <optional>

#include "runtime/result.hpp"

namespace moonring {

struct SocketOptions {
  bool no_delay = true;  // protocol messages are small and latency-bound
  bool reuse_address = true;
  bool reuse_port = false;
  std::optional<bool> keep_alive;
  int receive_buffer = 0;  // bytes; 0 keeps the system default
  int send_buffer = 0;
};

// `what` names the socket in errors.
Result<void> apply_socket_options(int fd, const SocketOptions& options, bool stream,
                                  const std::string& what);
Result<void> set_no_delay(int fd, bool on, const std::string& what);

}  // namespace moonring
