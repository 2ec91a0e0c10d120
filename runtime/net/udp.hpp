// UDP: bind, send_to/recv_from, and connected sockets with send/recv.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>

#include "runtime/net/address.hpp"
#include "runtime/net/socket_options.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring {

struct Datagram {
  std::size_t size;
  SocketAddress from;
};

class UdpSocket {
 public:
  UdpSocket() = default;
  UdpSocket(UdpSocket&& o) noexcept;
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  ~UdpSocket();

  // Port 0 picks a free port.
  static Result<UdpSocket> bind(SocketAddress address, SocketOptions options = {});
  // Fixes the peer: send() and recv() then need no address, and only its datagrams arrive.
  Result<void> connect(SocketAddress peer);

  Task<Result<std::size_t>> send_to(std::span<const std::byte> data, SocketAddress to);
  Task<Result<Datagram>> recv_from(std::span<std::byte> buffer);
  Task<Result<std::size_t>> send(std::span<const std::byte> data);
  Task<Result<std::size_t>> recv(std::span<std::byte> buffer);

  const SocketAddress& local_address() const { return local_; }
  void close();

 private:
  int fd_ = -1;
  SocketAddress local_;
  std::string name_;
};

}  // namespace moonring
