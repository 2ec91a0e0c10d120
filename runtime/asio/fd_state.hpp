// What the Asio backend keeps for a descriptor it has had to wait on.
#pragma once

// See asio_backend.cpp: GCC's -Wnull-dereference fires inside Asio's inlined scheduler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/posix/stream_descriptor.hpp>
#pragma GCC diagnostic pop

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/backend.hpp"

namespace moonring {

enum class FdMode : uint8_t {
  // O_NONBLOCK is set (the runtime's own sockets and pipes): calls never block; readiness comes
  // from Asio's reactor.
  nonblocking,
  // A blocking descriptor we were lent (stdin, stdout, a signalfd) that epoll accepts. Setting
  // O_NONBLOCK would change the open file description the parent shares, and Asio's async_wait
  // sets it on any descriptor it waits on, so readiness comes from a private epoll set instead
  // and calls are made only when they cannot block (see perform()).
  blocking,
};

// What the backend keeps for an fd it has had to wait on (or that is blocking and pollable).
struct FdState {
  int fd = -1;
  uint32_t gen = 0;  // tells a stale handler (for a forgotten registration) from a live one
  FdMode mode = FdMode::nonblocking;
  bool socket = false;        // blocking mode: MSG_DONTWAIT makes calls safe without poll()
  bool always_ready = false;  // epoll refused the fd: there is no readiness to wait for
  bool connecting = false;    // connect() said EINPROGRESS; the next step reads SO_ERROR
  bool armed[2] = {false, false};
  // Operations waiting, per direction, oldest first; a poll for both directions is in both.
  std::vector<IoOp*> waiters[2];
  std::optional<asio::posix::stream_descriptor> descriptor;  // nonblocking mode, once needed
};

inline uint64_t side_key(int fd, uint32_t gen) {
  return (uint64_t{gen} << 32) | static_cast<uint32_t>(fd);
}

}  // namespace moonring
