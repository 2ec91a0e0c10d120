// FdStream: a byte stream over a socket, pipe or terminal: read_some, write_some, write_all,
// writev_all. TcpStream builds on it; stdio.hpp makes them for stdin, stdout and pipes.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <span>
#include <string>

#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring {

class FdStream {
 public:
  FdStream() = default;
  // Takes `fd`; `name` says what it is in error messages ("stdin", "127.0.0.1:4711").
  FdStream(int fd, std::string name, bool owns_fd = true)
      : fd_(fd), owns_(owns_fd), name_(std::move(name)) {}
  FdStream(FdStream&& o) noexcept;
  FdStream& operator=(FdStream&& o) noexcept;
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;
  virtual ~FdStream();

  // Reads what is available (at least one byte); 0 means the end of the stream.
  Task<Result<std::size_t>> read_some(std::span<std::byte> buffer);
  // Reads exactly buffer.size() bytes; an early end of stream is an error.
  Task<Result<void>> read_exact(std::span<std::byte> buffer);
  Task<Result<std::size_t>> write_some(std::span<const std::byte> data);
  Task<Result<void>> write_all(std::span<const std::byte> data);
  // Gathered write of several buffers, looping until all are written. `iov` is modified.
  Task<Result<void>> writev_all(std::span<iovec> iov);

  // Writes go to the kernel as soon as they are issued rather than at the end of the loop turn:
  // for a stream whose peer waits on each reply while this core still has work queued.
  void set_eager_writes(bool on) { eager_writes_ = on; }

  void close();
  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

 protected:
  Error error(int neg_errno, const char* what) const;
  // Detaches from the fd without closing it.
  int release_fd();

  int fd_ = -1;
  bool owns_ = true;
  bool eager_writes_ = false;
  std::string name_;
};

}  // namespace moonring
