// TCP: a listener that accepts, and a stream that connects, reads, writes and shuts down.
// Servers bind 127.0.0.1 unless told otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "runtime/buffer_lease.hpp"
#include "runtime/net/address.hpp"
#include "runtime/net/multishot_receiver.hpp"
#include "runtime/net/socket_options.hpp"
#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring {

class MultishotReceiver;

class TcpStream : public FdStream {
 public:
  TcpStream() = default;
  TcpStream(int fd, SocketAddress peer);
  TcpStream(TcpStream&&) noexcept;
  TcpStream& operator=(TcpStream&&) noexcept;
  ~TcpStream() override;

  static Task<Result<TcpStream>> connect(SocketAddress to, SocketOptions options = {});

  // The next bytes that arrived, in a buffer of the core's pool (the kernel picks it: no copy,
  // and one armed receive serves every arrival). An empty lease means the peer closed. Keep
  // leases short: the pool is shared by the core's connections.
  // Not a coroutine: a hot path, so awaiting it allocates no frame.
  MultishotReceiverAwaiter receive();
  // Bytes that have already arrived, without waiting: an empty lease when there are none. Lets
  // a server answer everything that is queued in one write.
  BufferLease try_receive();

  // Send with MSG_NOSIGNAL (a vanished peer is an error, not a signal).
  Task<Result<void>> send_all(std::span<const std::byte> data);
  // SHUT_RD, SHUT_WR or SHUT_RDWR.
  Task<Result<void>> shutdown(int how);

  const SocketAddress& peer() const { return peer_; }
  Result<void> set_no_delay(bool on);

 private:
  void drop_receiver();
  SocketAddress peer_;
  MultishotReceiver* receiver_ = nullptr;  // created by the first receive()
};

struct ListenOptions {
  SocketOptions socket;
  int backlog = 1024;
};

class TcpListener {
 public:
  TcpListener() = default;
  TcpListener(TcpListener&& o) noexcept;
  TcpListener& operator=(TcpListener&& o) noexcept;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener();

  // Binds and listens. Port 0 picks a free port (see local_address()).
  static Result<TcpListener> bind(SocketAddress address, ListenOptions options = {});
  static Result<TcpListener> bind_loopback(uint16_t port, ListenOptions options = {}) {
    return bind(SocketAddress::loopback(port), options);
  }

  // The next connection; accepted sockets get the listener's socket options.
  Task<Result<TcpStream>> accept();
  const SocketAddress& local_address() const { return local_; }
  void close();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  SocketAddress local_;
  SocketOptions options_;
};

}  // namespace moonring
