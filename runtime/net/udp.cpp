// UDP sockets (see udp.hpp).
#include "runtime/net/udp.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "runtime/io_op.hpp"

namespace moonring {

UdpSocket::UdpSocket(UdpSocket&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), local_(o.local_), name_(std::move(o.name_)) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    local_ = o.local_;
    name_ = std::move(o.name_);
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  close();
}

void UdpSocket::close() {
  if (fd_ < 0) return;
  if (Core* core = Core::current()) core->backend().forget_fd(fd_);
  ::close(std::exchange(fd_, -1));
}

Result<UdpSocket> UdpSocket::bind(SocketAddress address, SocketOptions options) {
  std::string what = "udp " + address.to_string();
  int flags = SOCK_DGRAM | SOCK_CLOEXEC;
  if (Core* core = Core::current(); core && core->backend().wants_nonblocking())
    flags |= SOCK_NONBLOCK;
  int fd = ::socket(address.family(), flags, 0);
  if (fd < 0) return errno_error(errno, "socket for " + what);
  UdpSocket s;
  s.fd_ = fd;
  if (auto r = apply_socket_options(fd, options, false, what); !r) return r.take_error();
  if (::bind(fd, address.data(), address.size()) != 0) return errno_error(errno, "bind " + what);
  socklen_t len = s.local_.capacity();
  if (::getsockname(fd, s.local_.data(), &len) != 0)
    return errno_error(errno, "getsockname " + what);
  s.local_.set_size(len);
  s.name_ = "udp " + s.local_.to_string();
  return s;
}

Result<void> UdpSocket::connect(SocketAddress peer) {
  // Connecting a datagram socket only records the peer: it never waits.
  if (::connect(fd_, peer.data(), peer.size()) != 0)
    return errno_error(errno, "connect " + name_ + " to " + peer.to_string());
  return {};
}

Task<Result<std::size_t>> UdpSocket::send_to(std::span<const std::byte> data, SocketAddress to) {
  iovec iov{const_cast<std::byte*>(data.data()), data.size()};
  msghdr msg{};
  msg.msg_name = to.data();
  msg.msg_namelen = to.size();
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  int r = co_await IoAwaiter::sendmsg(fd_, &msg, MSG_NOSIGNAL, current_token());
  if (r < 0) co_return errno_error(-r, "send_to " + to.to_string() + " from " + name_);
  co_return static_cast<std::size_t>(r);
}

Task<Result<Datagram>> UdpSocket::recv_from(std::span<std::byte> buffer) {
  Datagram d{0, {}};
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_name = d.from.data();
  msg.msg_namelen = d.from.capacity();
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  int r = co_await IoAwaiter::recvmsg(fd_, &msg, 0, current_token());
  if (r < 0) co_return errno_error(-r, "recv_from " + name_);
  d.size = static_cast<std::size_t>(r);
  d.from.set_size(msg.msg_namelen);
  co_return d;
}

Task<Result<std::size_t>> UdpSocket::send(std::span<const std::byte> data) {
  int r = co_await IoAwaiter::send(fd_, data.data(), static_cast<uint32_t>(data.size()),
                                   MSG_NOSIGNAL, current_token());
  if (r < 0) co_return errno_error(-r, "send " + name_);
  co_return static_cast<std::size_t>(r);
}

Task<Result<std::size_t>> UdpSocket::recv(std::span<std::byte> buffer) {
  int r = co_await IoAwaiter::recv(fd_, buffer.data(), static_cast<uint32_t>(buffer.size()), 0,
                                   current_token());
  if (r < 0) co_return errno_error(-r, "recv " + name_);
  co_return static_cast<std::size_t>(r);
}

}  // namespace moonring
