// Opens a TCP listener on 127.0.0.1 for the echo bench servers that manage raw file descriptors.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace moonring::bench {

// With reuse_port, each worker thread gets its own listener on the same port and the kernel
// spreads connections over them. TCP_NODELAY is set on the listener because accepted sockets
// inherit it, which matters when sockets are only reachable through io_uring (direct descriptors).
inline int open_listener(std::uint16_t port, bool reuse_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::runtime_error("listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             std::strerror(error));
  }
  return fd;
}

}  // namespace moonring::bench
