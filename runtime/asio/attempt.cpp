// One attempt at an operation for the Asio backend (see attempt.hpp).
#include "runtime/asio/attempt.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>

namespace moonring::asio_attempt {

static ssize_t write_first_piece(const IoOp& op);

unsigned directions(const IoOp& op) {
  switch (op.kind) {
    case OpKind::write:
    case OpKind::writev:
    case OpKind::send:
    case OpKind::sendmsg:
    case OpKind::connect:
      return kWriteBit;
    case OpKind::poll: {
      unsigned d = (op.flags & kPollWriteEvents) ? kWriteBit : 0;
      if ((op.flags & ~kPollWriteEvents) != 0 || d == 0) d |= kReadBit;
      return d;
    }
    default:
      return kReadBit;
  }
}

// Whether a call for `events` on `fd` would go ahead now. An error counts as ready: the call
// itself then reports it.
bool ready_now(int fd, short events) {
  pollfd p{fd, events, 0};
  int r;
  do r = ::poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  return r != 0;
}

// One attempt at a single-shot operation: its result, or kWouldBlock.
int32_t perform(IoOp& op, Access access) {
  if (op.kind == OpKind::poll) return poll_once(op, access);
  const bool writes = directions(op) == kWriteBit;
  if (access == Access::blocking_other ||
      (access == Access::blocking_socket && op.kind == OpKind::accept)) {
    if (!ready_now(op.fd, writes ? POLLOUT : POLLIN)) return kWouldBlock;
  }
  const bool dontwait_socket = access == Access::blocking_socket;
  // A blocking pipe or terminal that polls writable takes PIPE_BUF bytes without blocking;
  // more could block until the reader catches up, so writes go out in pieces no larger.
  const bool clamp = access == Access::blocking_other;
  const bool positioned = op.offset >= 0;
  ssize_t n;
  do {
    switch (op.kind) {
      case OpKind::read:
        n = positioned        ? ::pread(op.fd, op.buf, op.len, op.offset)
            : dontwait_socket ? ::recv(op.fd, op.buf, op.len, MSG_DONTWAIT)
                              : ::read(op.fd, op.buf, op.len);
        break;
      case OpKind::write: {
        const std::size_t len = clamp ? std::min<std::size_t>(op.len, PIPE_BUF) : op.len;
        n = positioned        ? ::pwrite(op.fd, op.buf, len, op.offset)
            : dontwait_socket ? ::send(op.fd, op.buf, len, MSG_DONTWAIT)
                              : ::write(op.fd, op.buf, len);
        break;
      }
      case OpKind::readv:
        if (positioned) {
          n = ::preadv(op.fd, op.iov, op.iovcnt, op.offset);
        } else if (dontwait_socket) {
          msghdr msg{};
          msg.msg_iov = const_cast<iovec*>(op.iov);
          msg.msg_iovlen = static_cast<std::size_t>(std::max(op.iovcnt, 0));
          n = ::recvmsg(op.fd, &msg, MSG_DONTWAIT);
        } else {
          n = ::readv(op.fd, op.iov, op.iovcnt);
        }
        break;
      case OpKind::writev:
        if (clamp) {
          n = write_first_piece(op);
        } else if (positioned) {
          n = ::pwritev(op.fd, op.iov, op.iovcnt, op.offset);
        } else if (dontwait_socket) {
          msghdr msg{};
          msg.msg_iov = const_cast<iovec*>(op.iov);
          msg.msg_iovlen = static_cast<std::size_t>(std::max(op.iovcnt, 0));
          n = ::sendmsg(op.fd, &msg, MSG_DONTWAIT);
        } else {
          n = ::writev(op.fd, op.iov, op.iovcnt);
        }
        break;
      case OpKind::recv:
        n = ::recv(op.fd, op.buf, op.len, op.flags | MSG_DONTWAIT);
        break;
      case OpKind::send:
        n = ::send(op.fd, op.buf, op.len, op.flags | MSG_NOSIGNAL | MSG_DONTWAIT);
        break;
      case OpKind::recvmsg:
        n = ::recvmsg(op.fd, op.msg, op.flags | MSG_DONTWAIT);
        break;
      case OpKind::sendmsg:
        n = ::sendmsg(op.fd, op.msg, op.flags | MSG_NOSIGNAL | MSG_DONTWAIT);
        break;
      case OpKind::accept:
        // Accepted sockets are non-blocking, like every socket this backend works with.
        n = ::accept4(op.fd, op.addr, op.addrlen, op.flags | SOCK_NONBLOCK);
        break;
      default:
        return -EINVAL;
    }
  } while (n < 0 && errno == EINTR);
  if (n >= 0) return static_cast<int32_t>(n);
  const int err = errno;
  if ((err == EAGAIN || err == EWOULDBLOCK) && access != Access::direct) return kWouldBlock;
  return -err;
}

// writev to a blocking pipe or terminal: at most PIPE_BUF bytes of the first non-empty buffer
// (a short write, which writev's callers handle anyway).
static ssize_t write_first_piece(const IoOp& op) {
  for (int i = 0; i < op.iovcnt; ++i) {
    const iovec& v = op.iov[i];
    if (v.iov_len == 0) continue;
    const std::size_t len = std::min<std::size_t>(v.iov_len, PIPE_BUF);
    return op.offset >= 0 ? ::pwrite(op.fd, v.iov_base, len, op.offset)
                          : ::write(op.fd, v.iov_base, len);
  }
  return op.offset >= 0 ? ::pwritev(op.fd, op.iov, op.iovcnt, op.offset)
                        : ::writev(op.fd, op.iov, op.iovcnt);  // nothing to write, or bad args
}

// A poll completes with the events that are ready, as io_uring's does.
int32_t poll_once(const IoOp& op, Access access) {
  pollfd p{op.fd, static_cast<short>(op.flags), 0};
  int r;
  do r = ::poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  if (p.revents & POLLNVAL) return -EBADF;
  if (r == 0) return access == Access::direct ? 0 : kWouldBlock;
  return p.revents;
}

int32_t start_connect(IoOp& op) {
  if (::connect(op.fd, op.addr, op.addr_len) == 0) return 0;
  const int err = errno;
  // EINTR: a non-blocking connect carries on regardless.
  if (err == EINPROGRESS || err == EINTR) return kConnecting;
  if (err == EAGAIN) return kWouldBlock;  // a Unix socket's backlog is full: try again later
  return -err;
}

int32_t perform_blocking(const IoOp& op) {
  const bool positioned = op.offset >= 0;
  ssize_t r;
  do {
    switch (op.kind) {
      case OpKind::openat:
        r = ::openat(op.fd, op.path, op.flags, static_cast<mode_t>(op.mode));
        break;
      case OpKind::fsync:
        r = op.flags ? ::fdatasync(op.fd) : ::fsync(op.fd);
        break;
      case OpKind::statx:
        r = ::statx(op.fd, op.path, op.flags, op.len, op.statx_buf);
        break;
      case OpKind::read:
        r = positioned ? ::pread(op.fd, op.buf, op.len, op.offset) : ::read(op.fd, op.buf, op.len);
        break;
      case OpKind::write:
        r = positioned ? ::pwrite(op.fd, op.buf, op.len, op.offset)
                       : ::write(op.fd, op.buf, op.len);
        break;
      case OpKind::readv:
        r = positioned ? ::preadv(op.fd, op.iov, op.iovcnt, op.offset)
                       : ::readv(op.fd, op.iov, op.iovcnt);
        break;
      case OpKind::writev:
        r = positioned ? ::pwritev(op.fd, op.iov, op.iovcnt, op.offset)
                       : ::writev(op.fd, op.iov, op.iovcnt);
        break;
      default:
        return -EINVAL;
    }
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : static_cast<int32_t>(r);
}

}  // namespace moonring::asio_attempt
