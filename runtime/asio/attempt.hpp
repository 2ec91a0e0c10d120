// One attempt at an operation, the way the Asio backend makes it: the system call if it cannot
// block now, or kWouldBlock. Knows nothing of Asio; asio_backend.cpp decides when to try.
#pragma once

#include <poll.h>

#include <cstdint>

#include "runtime/backend.hpp"

namespace moonring::asio_attempt {

// An attempt's answer when the operation has to wait for readiness (never a kernel result).
constexpr int32_t kWouldBlock = INT32_MIN;
// start_connect()'s answer when the connection is under way (EINPROGRESS).
constexpr int32_t kConnecting = INT32_MIN + 1;

enum Direction : int { kRead = 0, kWrite = 1 };
constexpr unsigned kReadBit = 1u << kRead;
constexpr unsigned kWriteBit = 1u << kWrite;
constexpr int kPollWriteEvents = POLLOUT | POLLWRNORM | POLLWRBAND;

// How perform() may carry out a call.
enum class Access : uint8_t {
  direct,           // never waits (a file epoll refuses): EAGAIN is just a result
  nonblocking,      // the call itself never blocks; EAGAIN means wait
  blocking_socket,  // socket calls with MSG_DONTWAIT; accept only once poll() says ready
  blocking_other,   // pipe, terminal, eventfd...: call only once poll() says ready
};

// The directions an operation waits in (kReadBit, kWriteBit or both, for a poll).
unsigned directions(const IoOp& op);
// Whether a call for `events` on `fd` would go ahead now (an error counts as ready).
bool ready_now(int fd, short events);

// One attempt at a single-shot operation: its result, or kWouldBlock.
int32_t perform(IoOp& op, Access access);
// A poll completes with the events that are ready, as io_uring's does.
int32_t poll_once(const IoOp& op, Access access);
// 0, -errno, kConnecting (under way) or kWouldBlock (a Unix socket's backlog is full).
int32_t start_connect(IoOp& op);

// The calls the backend hands to the blocking pool (openat, fsync, statx, and reads and writes
// of regular files), made as plain blocking calls: the result, or -errno.
int32_t perform_blocking(const IoOp& op);

}  // namespace moonring::asio_attempt
