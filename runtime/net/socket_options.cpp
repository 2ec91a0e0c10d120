// Setting socket options with errors that say which option failed on which socket.
#include "runtime/net/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

namespace moonring {

namespace {
Result<void> set_int(int fd, int level, int name, int value, const char* label,
                     const std::string& what) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) != 0)
    return errno_error(errno, std::string("setsockopt ") + label + " " + what);
  return {};
}
}  // namespace

Result<void> set_no_delay(int fd, bool on, const std::string& what) {
  return set_int(fd, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY", what);
}

Result<void> apply_socket_options(int fd, const SocketOptions& o, bool stream,
                                  const std::string& what) {
  if (o.reuse_address)
    if (auto r = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR", what); !r) return r;
  if (o.reuse_port)
    if (auto r = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT", what); !r) return r;
  if (o.keep_alive)
    if (auto r = set_int(fd, SOL_SOCKET, SO_KEEPALIVE, *o.keep_alive ? 1 : 0, "SO_KEEPALIVE", what);
        !r)
      return r;
  if (o.receive_buffer > 0)
    if (auto r = set_int(fd, SOL_SOCKET, SO_RCVBUF, o.receive_buffer, "SO_RCVBUF", what); !r)
      return r;
  if (o.send_buffer > 0)
    if (auto r = set_int(fd, SOL_SOCKET, SO_SNDBUF, o.send_buffer, "SO_SNDBUF", what); !r) return r;
  if (stream && o.no_delay)
    if (auto r = set_no_delay(fd, true, what); !r) return r;
  return {};
}

}  // namespace moonring
