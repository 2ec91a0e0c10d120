// IoAwaiter: awaiting one kernel operation on the current core's backend, cancellable by a
// token. The result is the kernel's: a count or value >= 0, or -errno. The typed wrappers in
// file.hpp and net/ turn it into a Result with context.
#pragma once

#include <cerrno>
#include <coroutine>
#include <cstdint>

#include "runtime/backend.hpp"
#include "runtime/cancel.hpp"
#include "runtime/core.hpp"

namespace moonring {

class IoAwaiter {
 public:
  explicit IoAwaiter(const CancellationToken& token) : token_(token) {}
  IoAwaiter(const IoAwaiter&) = delete;
  IoAwaiter& operator=(const IoAwaiter&) = delete;

  IoOp op;

  bool await_ready() noexcept {
    if (token_.cancelled()) {
      op.result = -ECANCELED;
      return true;
    }
    return false;
  }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    core_ = Core::current();
    waiter_ = h;
    context_ = core_->context();
    op.on_complete = &IoAwaiter::completed;
    op.user = this;
    if (core_->backend().submit(op)) return false;  // done at once: resume without suspending
    if (token_.can_be_cancelled()) registration_.attach(token_, &IoAwaiter::cancel_requested, this);
    return true;
  }
  int32_t await_resume() noexcept {
    registration_.reset();
    return op.result;
  }

  // The operations, each ready to be awaited.
  static IoAwaiter read(int fd, void* buf, uint32_t len, int64_t offset,
                        const CancellationToken& t) {
    return make(OpKind::read, fd, buf, len, offset, t);
  }
  static IoAwaiter write(int fd, const void* buf, uint32_t len, int64_t offset,
                         const CancellationToken& t) {
    return make(OpKind::write, fd, const_cast<void*>(buf), len, offset, t);
  }
  static IoAwaiter readv(int fd, const iovec* iov, int iovcnt, int64_t offset,
                         const CancellationToken& t) {
    IoAwaiter a = make(OpKind::readv, fd, nullptr, 0, offset, t);
    a.op.iov = iov;
    a.op.iovcnt = iovcnt;
    return a;
  }
  static IoAwaiter writev(int fd, const iovec* iov, int iovcnt, int64_t offset,
                          const CancellationToken& t) {
    IoAwaiter a = make(OpKind::writev, fd, nullptr, 0, offset, t);
    a.op.iov = iov;
    a.op.iovcnt = iovcnt;
    return a;
  }
  static IoAwaiter recv(int fd, void* buf, uint32_t len, int flags, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::recv, fd, buf, len, -1, t);
    a.op.flags = flags;
    return a;
  }
  static IoAwaiter send(int fd, const void* buf, uint32_t len, int flags,
                        const CancellationToken& t) {
    IoAwaiter a = make(OpKind::send, fd, const_cast<void*>(buf), len, -1, t);
    a.op.flags = flags;
    return a;
  }
  static IoAwaiter recvmsg(int fd, msghdr* msg, int flags, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::recvmsg, fd, nullptr, 0, -1, t);
    a.op.msg = msg;
    a.op.flags = flags;
    return a;
  }
  static IoAwaiter sendmsg(int fd, msghdr* msg, int flags, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::sendmsg, fd, nullptr, 0, -1, t);
    a.op.msg = msg;
    a.op.flags = flags;
    return a;
  }
  static IoAwaiter accept(int fd, sockaddr* addr, socklen_t* addrlen, int flags,
                          const CancellationToken& t) {
    IoAwaiter a = make(OpKind::accept, fd, nullptr, 0, -1, t);
    a.op.addr = addr;
    a.op.addrlen = addrlen;
    a.op.flags = flags;
    return a;
  }
  static IoAwaiter connect(int fd, const sockaddr* addr, socklen_t len,
                           const CancellationToken& t) {
    IoAwaiter a = make(OpKind::connect, fd, nullptr, 0, -1, t);
    a.op.addr = const_cast<sockaddr*>(addr);
    a.op.addr_len = len;
    return a;
  }
  static IoAwaiter shutdown(int fd, int how, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::shutdown, fd, nullptr, 0, -1, t);
    a.op.flags = how;
    return a;
  }
  static IoAwaiter openat(int dirfd, const char* path, int flags, unsigned mode,
                          const CancellationToken& t) {
    IoAwaiter a = make(OpKind::openat, dirfd, nullptr, 0, -1, t);
    a.op.path = path;
    a.op.flags = flags;
    a.op.mode = mode;
    return a;
  }
  static IoAwaiter close(int fd) { return make(OpKind::close, fd, nullptr, 0, -1, {}); }
  static IoAwaiter fsync(int fd, bool data_only, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::fsync, fd, nullptr, 0, -1, t);
    a.op.flags = data_only ? 1 : 0;
    return a;
  }
  static IoAwaiter statx(int dirfd, const char* path, int flags, unsigned mask, struct ::statx* out,
                         const CancellationToken& t) {
    IoAwaiter a = make(OpKind::statx, dirfd, nullptr, mask, -1, t);
    a.op.path = path;
    a.op.flags = flags;
    a.op.statx_buf = out;
    return a;
  }
  static IoAwaiter poll(int fd, unsigned events, const CancellationToken& t) {
    IoAwaiter a = make(OpKind::poll, fd, nullptr, 0, -1, t);
    a.op.flags = static_cast<int>(events);
    return a;
  }

  IoAwaiter(IoAwaiter&& o) noexcept : op(o.op), token_(o.token_) {}  // only before awaiting
  IoAwaiter& operator=(IoAwaiter&&) = delete;

 private:
  static IoAwaiter make(OpKind kind, int fd, void* buf, uint32_t len, int64_t offset,
                        const CancellationToken& t) {
    IoAwaiter a(t);
    a.op.kind = kind;
    a.op.fd = fd;
    a.op.buf = buf;
    a.op.len = len;
    a.op.offset = offset;
    return a;
  }
  static void completed(IoOp* op) {
    auto* self = static_cast<IoAwaiter*>(op->user);
    self->core_->schedule(self->waiter_, self->context_);
  }
  static void cancel_requested(void* self) {
    auto* a = static_cast<IoAwaiter*>(self);
    a->core_->backend().cancel(a->op);
  }

  CancellationToken token_;
  CancelRegistration registration_;
  Core* core_ = nullptr;
  std::coroutine_handle<> waiter_;
  TaskContext* context_ = nullptr;
};

// The ambient token of the running task (cancelled when its scope or the runtime is).
inline const CancellationToken& current_token() {
  return Core::current()->token();
}

}  // namespace moonring
