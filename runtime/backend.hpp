// The seam between the runtime and the kernel: one interface, an io_uring and an Asio backend.
// Code above runtime/ never names a backend; it awaits operations (io_op.hpp) that a core's
// backend carries out.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

struct statx;

namespace moonring {

enum class BackendKind { automatic, io_uring, asio };
std::string_view to_string(BackendKind kind);

// What an operation asks of the kernel; the fields used depend on the kind.
enum class OpKind : uint8_t {
  read,        // fd, buf, len, offset (-1: current position / stream)
  write,       // fd, buf, len, offset
  readv,       // fd, iov, iovcnt, offset
  writev,      // fd, iov, iovcnt, offset
  recv,        // fd, buf, len, flags
  send,        // fd, buf, len, flags
  recvmsg,     // fd, msg, flags
  sendmsg,     // fd, msg, flags
  accept,      // fd, addr, addrlen, flags (SOCK_CLOEXEC...)
  connect,     // fd, addr, socklen
  shutdown,    // fd, how (flags)
  openat,      // dirfd (fd), path, flags, mode
  close,       // fd
  fsync,       // fd, flags (IORING_FSYNC_DATASYNC for fdatasync)
  statx,       // dirfd (fd), path, flags, mask (len), statx_buf
  poll,        // fd, poll mask (flags)
  recv_multi,  // fd: multishot receive into the core's buffer pool (completes repeatedly)
};

// One operation in flight. It lives in the awaiting coroutine's frame (or an object that the
// coroutine owns) and is never freed before its final completion: that, with the fact that a
// frame suspended on an operation is never destroyed, is the runtime's "rent" rule: the kernel
// only ever writes into memory owned by an operation that has not completed.
struct IoOp {
  OpKind kind{};
  int fd = -1;
  void* buf = nullptr;
  uint32_t len = 0;
  int64_t offset = -1;
  int flags = 0;
  union {
    const iovec* iov;
    msghdr* msg;
    sockaddr* addr;
    const char* path;
  };
  union {
    socklen_t* addrlen;  // accept
    socklen_t addr_len;  // connect
    int iovcnt;
    unsigned mode;  // openat
  };
  struct ::statx* statx_buf = nullptr;

  // Completion: result as the kernel reports it (>= 0, or -errno) and, for buffer-pool
  // receives, the buffer id and whether more completions follow.
  int32_t result = 0;
  uint32_t buffer_id = 0;
  bool more = false;
  bool in_flight = false;
  // Hand this operation to the kernel at once instead of with the loop turn's batch (a reply
  // that the peer is waiting for, while the turn still has work to do).
  bool eager = false;
  void (*on_complete)(IoOp* op) = nullptr;  // runs on the owning core
  void* user = nullptr;                     // for on_complete

  IoOp() : iov(nullptr), addrlen(nullptr) {}
};

// Fixed-size receive buffers that the kernel picks from (io_uring provided buffers; the Asio
// backend hands them out itself). A buffer id is returned to the pool when its lease ends.
struct BufferPoolView {
  std::byte* base = nullptr;
  uint32_t buffer_size = 0;
  uint32_t count = 0;
  std::byte* data(uint32_t id) const { return base + size_t(id) * buffer_size; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;

  // Start `op`; its on_complete runs later on this core from inside wait(). Returns true when
  // the operation finished at once instead (op.result is set; on_complete will not run).
  virtual bool submit(IoOp& op) = 0;
  // Ask for `op` to end early; it still completes (with -ECANCELED or its real result).
  virtual void cancel(IoOp& op) = 0;
  // Send what is queued, then dispatch completions, sleeping at most `timeout` when none are
  // ready (zero: do not sleep; negative: no limit).
  virtual void wait(std::chrono::nanoseconds timeout) = 0;
  // Interrupt wait() from any thread.
  virtual void wake() = 0;
  // Operations started and not yet finally completed.
  virtual std::size_t in_flight() const = 0;

  // Sockets this backend wants created non-blocking (readiness-based backends do).
  virtual bool wants_nonblocking() const = 0;
  // An fd is about to be closed or handed away: drop any registration the backend keeps.
  virtual void forget_fd(int fd) = 0;

  virtual BufferPoolView buffer_pool() const = 0;
  virtual void return_buffer(uint32_t id) = 0;
};

struct BackendOptions {
  unsigned sq_entries = 256;
  uint32_t recv_buffer_size = 16 * 1024;
  uint32_t recv_buffer_count = 256;  // power of two
};

struct Error;
template <typename T>
class Result;

Result<std::unique_ptr<Backend>> make_uring_backend(const BackendOptions& options);
Result<std::unique_ptr<Backend>> make_asio_backend(const BackendOptions& options);

}  // namespace moonring
