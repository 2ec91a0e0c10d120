// MappedRegion, read_file and open_regular: the system calls behind workspace/map.
#include "workspace/map/mapped_region.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <utility>

#include "workspace/map/sigbus_guard.hpp"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

namespace moonring {
namespace {

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// Kernels before 5.14 answer EINVAL to MADV_POPULATE_READ; remember it and touch instead.
std::atomic<bool> g_no_populate{false};

}  // namespace

MappedRegion::MappedRegion(MappedRegion&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      mode_(o.mode_),
      guard_slot_(std::exchange(o.guard_slot_, sigbus_guard::kNone)),
      path_(std::move(o.path_)) {}

MappedRegion& MappedRegion::operator=(MappedRegion&& o) noexcept {
  if (this != &o) {
    reset();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    mode_ = o.mode_;
    guard_slot_ = std::exchange(o.guard_slot_, sigbus_guard::kNone);
    path_ = std::move(o.path_);
  }
  return *this;
}

MappedRegion::~MappedRegion() {
  reset();
}

void MappedRegion::reset() noexcept {
  if (data_ != nullptr) {
    sigbus_guard::remove(guard_slot_);
    munmap(data_, size_);
  }
  data_ = nullptr;
  size_ = 0;
  guard_slot_ = sigbus_guard::kNone;
}

Result<MappedRegion> MappedRegion::map(const std::string& path, MapMode mode) {
  auto opened = open_regular(path, mode == MapMode::read_write ? O_RDWR : O_RDONLY);
  if (!opened) return opened.error();
  auto region = map_fd(opened->fd, opened->size, mode, path);
  ::close(opened->fd);  // the mapping keeps the file alive
  return region;
}

Result<MappedRegion> MappedRegion::map_fd(int fd, std::size_t size, MapMode mode,
                                          const std::string& path, bool populate) {
  MappedRegion region;
  region.mode_ = mode;
  region.path_ = path;
  if (size == 0) return region;  // mmap of length 0 is EINVAL: an empty file is an empty view
  int prot = PROT_READ | (mode == MapMode::read_only ? 0 : PROT_WRITE);
  int flags =
      (mode == MapMode::copy_on_write ? MAP_PRIVATE : MAP_SHARED) | (populate ? MAP_POPULATE : 0);
  void* p = mmap(nullptr, size, prot, flags, fd, 0);
  if (p == MAP_FAILED) return errno_error(errno, "mmap " + path);
  region.data_ = static_cast<std::byte*>(p);
  region.size_ = size;
  region.guard_slot_ = sigbus_guard::add(p, size, mode != MapMode::read_only);
  return region;
}

Result<void> MappedRegion::advise(Advice advice) const {
  if (size_ == 0) return {};
  int a = MADV_NORMAL;
  switch (advice) {
    case Advice::normal:
      a = MADV_NORMAL;
      break;
    case Advice::sequential:
      a = MADV_SEQUENTIAL;
      break;
    case Advice::random:
      a = MADV_RANDOM;
      break;
    case Advice::will_need:
      a = MADV_WILLNEED;
      break;
    case Advice::dont_need:
      a = MADV_DONTNEED;
      break;
  }
  if (madvise(data_, size_, a) != 0) return errno_error(errno, "madvise " + path_);
  return {};
}

Result<void> MappedRegion::prefault(std::size_t offset, std::size_t length) const {
  if (offset >= size_) return {};
  // madvise wants a page-aligned start; the region starts on a page boundary.
  std::size_t start = offset & ~(page_size() - 1);
  std::size_t end = length >= size_ - offset ? size_ : offset + length;
  std::byte* from = data_ + start;
  std::size_t len = end - start;
  if (!g_no_populate.load(std::memory_order_relaxed)) {
    if (madvise(from, len, MADV_POPULATE_READ) == 0) return {};
    if (errno == EFAULT || errno == EIO) {
      // Part of the range lies past the end of the file now (or the file is gone): the file was
      // truncated under us. Touching those pages would fault; the guard answers with zeros.
      sigbus_guard::mark_truncated(guard_slot_);
    } else if (errno == EINVAL) {
      g_no_populate.store(true, std::memory_order_relaxed);
    } else if (errno != EINTR && errno != EAGAIN) {
      return errno_error(errno, "prefault " + path_);
    }
  }
  madvise(from, len, MADV_WILLNEED);  // a hint only; its failure changes nothing
  volatile unsigned char sink = 0;
  for (std::size_t i = 0; i < len; i += page_size())
    sink = sink + *reinterpret_cast<const volatile unsigned char*>(from + i);
  (void)sink;
  return {};
}

void MappedRegion::touch_prefault(std::size_t stride) const {
  if (stride < page_size()) stride = page_size();
  volatile unsigned char sink = 0;
  for (std::size_t i = 0; i < size_; i += stride)
    sink = sink + *reinterpret_cast<const volatile unsigned char*>(data_ + i);
  (void)sink;
}

Result<void> MappedRegion::sync() const {
  if (size_ == 0 || mode_ != MapMode::read_write) return {};
  if (msync(data_, size_, MS_SYNC) != 0) return errno_error(errno, "msync " + path_);
  return {};
}

bool MappedRegion::truncated() const {
  return sigbus_guard::truncated(guard_slot_);
}

Result<OpenedFile> open_regular(const std::string& path, int access) {
  int fd = ::open(path.c_str(), access | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "open " + path);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return errno_error(err, "stat " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return errno_error(S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "open " + path);
  }
  return OpenedFile{fd, static_cast<std::size_t>(st.st_size)};
}

Result<OwnedBytes> read_fd(int fd, std::size_t expected, const std::string& path) {
  // One byte more than expected: a short answer proves the end of the file in one read.
  std::size_t capacity = expected + 1;
  OwnedBytes out{allocate_buffer(capacity), 0};
  for (;;) {
    ssize_t n = ::read(fd, out.data.get() + out.size, capacity - out.size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "read " + path);
    }
    if (n == 0) break;
    out.size += static_cast<std::size_t>(n);
    // A regular file answers short only at its end: one read is enough for a file of known size.
    if (out.size < capacity) break;
    std::size_t bigger = capacity * 2;  // the file grew: double and go on
    ByteBuffer grown = allocate_buffer(bigger);
    std::copy(out.data.get(), out.data.get() + out.size, grown.get());
    out.data = std::move(grown);
    capacity = bigger;
  }
  return out;
}

Result<OwnedBytes> read_file(const std::string& path) {
  auto opened = open_regular(path);
  if (!opened) return opened.take_error();
  auto out = read_fd(opened->fd, opened->size, path);
  ::close(opened->fd);
  return out;
}

}  // namespace moonring
