// OutputFile: whole aligned blocks go out with O_DIRECT; the last partial block, after O_DIRECT
// is turned off on the descriptor, goes through the page cache (a direct write must be a whole
// number of blocks). A file system that refuses O_DIRECT (when it is set, or EINVAL at the first
// write), and anything not a regular file, gets plain writes.
#include "app/index/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
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
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return fail("open");
  // Direct only to a regular file: on a pipe (`-o /dev/stdout | ...`) O_DIRECT is packet mode,
  // whose reader loses what does not fit its buffer. A file system without direct I/O refuses
  // the flag here (or at the first write, see drain).
  struct stat st {};
  if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode))
    direct_ = fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_DIRECT) == 0;
  return true;
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
