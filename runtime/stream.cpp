// FdStream (see stream.hpp).
#include "runtime/stream.hpp"

#include <limits.h>
#include <unistd.h>

#include <utility>

#include "runtime/io_op.hpp"

namespace moonring {

namespace {
constexpr std::size_t kMaxIo = 1u << 30;
uint32_t clamp_len(std::size_t n) {
  return static_cast<uint32_t>(n > kMaxIo ? kMaxIo : n);
}
}  // namespace

FdStream::FdStream(FdStream&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), owns_(o.owns_), name_(std::move(o.name_)) {}

FdStream& FdStream::operator=(FdStream&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    owns_ = o.owns_;
    name_ = std::move(o.name_);
  }
  return *this;
}

FdStream::~FdStream() {
  close();
}

void FdStream::close() {
  if (fd_ < 0) return;
  int fd = std::exchange(fd_, -1);
  if (Core* core = Core::current()) core->backend().forget_fd(fd);
  if (owns_) ::close(fd);
}

int FdStream::release_fd() {
  int fd = std::exchange(fd_, -1);
  if (fd >= 0)
    if (Core* core = Core::current()) core->backend().forget_fd(fd);
  return fd;
}

Error FdStream::error(int neg_errno, const char* what) const {
  return errno_error(-neg_errno, std::string(what) + " " + name_);
}

Task<Result<std::size_t>> FdStream::read_some(std::span<std::byte> buffer) {
  if (fd_ < 0) co_return error(-EBADF, "read");
  int r =
      co_await IoAwaiter::read(fd_, buffer.data(), clamp_len(buffer.size()), -1, current_token());
  if (r < 0) co_return error(r, "read");
  co_return static_cast<std::size_t>(r);
}

Task<Result<void>> FdStream::read_exact(std::span<std::byte> buffer) {
  while (!buffer.empty()) {
    auto n = co_await read_some(buffer);
    if (!n) co_return n.take_error();
    if (*n == 0) co_return error(-EPIPE, "read (stream ended early)");
    buffer = buffer.subspan(*n);
  }
  co_return Result<void>{};
}

Task<Result<std::size_t>> FdStream::write_some(std::span<const std::byte> data) {
  if (fd_ < 0) co_return error(-EBADF, "write");
  auto op = IoAwaiter::write(fd_, data.data(), clamp_len(data.size()), -1, current_token());
  op.op.eager = eager_writes_;
  int r = co_await op;
  if (r < 0) co_return error(r, "write");
  co_return static_cast<std::size_t>(r);
}

Task<Result<void>> FdStream::write_all(std::span<const std::byte> data) {
  while (!data.empty()) {
    auto n = co_await write_some(data);
    if (!n) co_return n.take_error();
    data = data.subspan(*n);
  }
  co_return Result<void>{};
}

Task<Result<void>> FdStream::writev_all(std::span<iovec> iov) {
  while (!iov.empty()) {
    if (fd_ < 0) co_return error(-EBADF, "write");
    int count = static_cast<int>(iov.size() > IOV_MAX ? IOV_MAX : iov.size());
    int r = co_await IoAwaiter::writev(fd_, iov.data(), count, -1, current_token());
    if (r < 0) co_return error(r, "write");
    auto n = static_cast<std::size_t>(r);
    while (!iov.empty() && n >= iov.front().iov_len) {
      n -= iov.front().iov_len;
      iov = iov.subspan(1);
    }
    if (n > 0) {
      iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + n;
      iov.front().iov_len -= n;
    }
  }
  co_return Result<void>{};
}

}  // namespace moonring
