// OutputFile: whole aligned blocks go out with O_DIRECT; the last partial block, after O_DIRECT
// is turned off on the descriptor, goes through the page cache (a direct write must be a whole
// number of blocks). A file system that refuses O_DIRECT (at open, or EINVAL at the first write)
// gets plain writes.
#include "app/index/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace moonring::app {

void OutputFile::Free::operator()(char* p) const {
  std::free(p);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool OutputFile::fail(const char* what) {
  if (error_.empty()) error_ = std::string(what) + " " + path_ + ": " + std::strerror(errno);
  return false;
}

bool OutputFile::open(const std::string& path) {
  path_ = path;
  void* memory = nullptr;
  if (posix_memalign(&memory, kAlign, kBuffer) != 0) {
    errno = ENOMEM;
    return fail("buffer for");
  }
  buffer_.reset(static_cast<char*>(memory));
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  fd_ = ::open(path.c_str(), kFlags | O_DIRECT, 0666);
  direct_ = fd_ >= 0;
  if (fd_ < 0) fd_ = ::open(path.c_str(), kFlags, 0666);
  return fd_ >= 0 || fail("open");
}

bool OutputFile::write(std::string_view bytes) {
  if (!error_.empty()) return false;
  bytes_ += bytes.size();
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kBuffer - used_);
    std::memcpy(buffer_.get() + used_, bytes.data(), n);
    used_ += n;
    bytes.remove_prefix(n);
    if (used_ == kBuffer && !drain(kBuffer)) return false;
  }
  return true;
}

bool OutputFile::drain(std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd_, buffer_.get() + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && direct_) {
      // This file system takes no direct writes after all: the page cache, then.
      if (fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) return fail("write");
      direct_ = false;
      continue;
    }
    if (w <= 0) return fail("write");
    done += static_cast<std::size_t>(w);
  }
  std::memmove(buffer_.get(), buffer_.get() + n, used_ - n);
  used_ -= n;
  return true;
}

bool OutputFile::close() {
  if (fd_ < 0) return error_.empty() ? fail("close") : false;
  bool ok = error_.empty();
  if (ok && direct_) ok = drain(used_ / kAlign * kAlign);
  if (ok && used_ != 0) {
    if (direct_ && fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) ok = fail("write");
    direct_ = false;
    ok = ok && drain(used_);
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && ok) ok = fail("close");
  return ok;
}

}  // namespace moonring::app
