// TCP listener and stream (see tcp.hpp).
#include "runtime/net/tcp.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "runtime/io_op.hpp"

namespace moonring {

namespace {
int socket_type_flags() {
  int flags = SOCK_CLOEXEC;
  if (Core* core = Core::current(); core && core->backend().wants_nonblocking())
    flags |= SOCK_NONBLOCK;
  return flags;
}
}  // namespace

TcpStream::TcpStream(int fd, SocketAddress peer) : FdStream(fd, peer.to_string()), peer_(peer) {}

TcpStream::TcpStream(TcpStream&& o) noexcept
    : FdStream(std::move(o)), peer_(o.peer_), receiver_(std::exchange(o.receiver_, nullptr)) {}

TcpStream& TcpStream::operator=(TcpStream&& o) noexcept {
  if (this != &o) {
    drop_receiver();
    FdStream::operator=(std::move(o));
    peer_ = o.peer_;
    receiver_ = std::exchange(o.receiver_, nullptr);
  }
  return *this;
}

TcpStream::~TcpStream() {
  drop_receiver();
}

void TcpStream::drop_receiver() {
  if (receiver_) std::exchange(receiver_, nullptr)->orphan();
}

Task<Result<TcpStream>> TcpStream::connect(SocketAddress to, SocketOptions options) {
  int fd = ::socket(to.family(), SOCK_STREAM | socket_type_flags(), 0);
  if (fd < 0) co_return errno_error(errno, "socket for " + to.to_string());
  TcpStream stream(fd, to);
  options.reuse_address = false;
  options.no_delay = options.no_delay && to.is_ip();  // Unix sockets have no Nagle
  if (auto r = apply_socket_options(fd, options, true, to.to_string()); !r)
    co_return r.take_error();
  int r = co_await IoAwaiter::connect(fd, to.data(), to.size(), current_token());
  if (r < 0) co_return errno_error(-r, "connect " + to.to_string());
  co_return stream;
}

MultishotReceiverAwaiter TcpStream::receive() {
  if (fd_ < 0) return MultishotReceiverAwaiter(nullptr);
  if (!receiver_) receiver_ = new MultishotReceiver(Core::current(), fd_, name_);
  return receiver_->receive();
}

BufferLease TcpStream::try_receive() {
  return receiver_ ? receiver_->try_receive() : BufferLease{};
}

Task<Result<void>> TcpStream::send_all(std::span<const std::byte> data) {
  while (!data.empty()) {
    if (fd_ < 0) co_return errno_error(EBADF, "send " + name_);
    uint32_t len = data.size() > (1u << 30) ? (1u << 30) : static_cast<uint32_t>(data.size());
    int r = co_await IoAwaiter::send(fd_, data.data(), len, MSG_NOSIGNAL, current_token());
    if (r < 0) co_return error(r, "send");
    data = data.subspan(static_cast<std::size_t>(r));
  }
  co_return Result<void>{};
}

Task<Result<void>> TcpStream::shutdown(int how) {
  int r = co_await IoAwaiter::shutdown(fd_, how, current_token());
  if (r < 0) co_return error(r, "shutdown");
  co_return Result<void>{};
}

Result<void> TcpStream::set_no_delay(bool on) {
  return moonring::set_no_delay(fd_, on, name_);
}

TcpListener::TcpListener(TcpListener&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), local_(o.local_), options_(o.options_) {}

TcpListener& TcpListener::operator=(TcpListener&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    local_ = o.local_;
    options_ = o.options_;
  }
  return *this;
}

TcpListener::~TcpListener() {
  close();
}

void TcpListener::close() {
  if (fd_ < 0) return;
  if (Core* core = Core::current()) core->backend().forget_fd(fd_);
  ::close(std::exchange(fd_, -1));
}

Result<TcpListener> TcpListener::bind(SocketAddress address, ListenOptions options) {
  std::string what = address.to_string();
  int fd = ::socket(address.family(), SOCK_STREAM | socket_type_flags(), 0);
  if (fd < 0) return errno_error(errno, "socket for " + what);
  TcpListener l;
  l.fd_ = fd;
  l.options_ = options.socket;
  if (auto r = apply_socket_options(fd, options.socket, false, what); !r) return r.take_error();
  if (::bind(fd, address.data(), address.size()) != 0) return errno_error(errno, "bind " + what);
  if (::listen(fd, options.backlog) != 0) return errno_error(errno, "listen " + what);
  SocketAddress local;
  socklen_t len = local.capacity();
  if (::getsockname(fd, local.data(), &len) != 0) return errno_error(errno, "getsockname " + what);
  local.set_size(len);
  l.local_ = local;
  return l;
}

Task<Result<TcpStream>> TcpListener::accept() {
  SocketAddress peer;
  socklen_t len = peer.capacity();
  int fd = co_await IoAwaiter::accept(fd_, peer.data(), &len, SOCK_CLOEXEC, current_token());
  if (fd < 0) co_return errno_error(-fd, "accept on " + local_.to_string());
  peer.set_size(len);
  TcpStream stream(fd, peer);
  if (options_.no_delay && local_.is_ip())
    if (auto r = stream.set_no_delay(true); !r) co_return r.take_error();
  co_return stream;
}

}  // namespace moonring
