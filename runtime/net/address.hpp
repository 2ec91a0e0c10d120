// Socket addresses: IPv4/IPv6 host:port parsing and printing ("127.0.0.1:4711", "[::1]:80").
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace moonring {

class SocketAddress {
 public:
  SocketAddress() = default;
  // Numeric host only ("127.0.0.1", "::1", "[::1]", "localhost"); name lookups block, so they
  // are not done here.
  static Result<SocketAddress> parse(std::string_view host, uint16_t port);
  // "HOST:PORT" or "[V6]:PORT".
  static Result<SocketAddress> parse(std::string_view host_port);
  static SocketAddress loopback(uint16_t port);  // 127.0.0.1:port
  // A Unix domain socket path (the LSP's --pipe transport).
  static Result<SocketAddress> unix_path(std::string_view path);
  static SocketAddress from(const sockaddr* sa, socklen_t len);

  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* data() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t size() const { return length_; }
  socklen_t capacity() const { return sizeof(storage_); }
  void set_size(socklen_t n) { length_ = n; }
  int family() const { return storage_.ss_family; }
  bool is_ip() const { return family() == AF_INET || family() == AF_INET6; }
  uint16_t port() const;
  std::string to_string() const;

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace moonring
