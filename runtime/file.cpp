// Files through the backend (see file.hpp).
#include "runtime/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace moonring {

namespace {
FileMetadata from_statx(const struct statx& s) {
  FileMetadata m;
  m.size = s.stx_size;
  switch (s.stx_mode & S_IFMT) {
    case S_IFREG:
      m.type = FileType::regular;
      break;
    case S_IFDIR:
      m.type = FileType::directory;
      break;
    case S_IFLNK:
      m.type = FileType::symlink;
      break;
    default:
      m.type = FileType::other;
  }
  m.mode = s.stx_mode & 07777;
  auto ts = [](const statx_timestamp& t) {
    return timespec{static_cast<time_t>(t.tv_sec), static_cast<long>(t.tv_nsec)};
  };
  m.modified = ts(s.stx_mtime);
  m.accessed = ts(s.stx_atime);
  m.changed = ts(s.stx_ctime);
  if (s.stx_mask & STATX_BTIME) m.created = ts(s.stx_btime);
  return m;
}

constexpr unsigned kStatxMask =
    STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME;
constexpr uint32_t kMaxIo = 1u << 30;  // one operation moves at most 1 GiB

uint32_t clamp_len(std::size_t n) {
  return n > kMaxIo ? kMaxIo : static_cast<uint32_t>(n);
}
}  // namespace

File::File(File&& o) noexcept : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) {
    if (Core* core = Core::current()) core->backend().forget_fd(fd_);
    ::close(fd_);
  }
}

Error File::error(int neg_errno, const char* what) const {
  return errno_error(-neg_errno, std::string(what) + " " + path_);
}

Task<Result<File>> File::open(std::string path, OpenOptions o) {
  int flags = O_CLOEXEC;
  if (o.read && o.write)
    flags |= O_RDWR;
  else if (o.write || o.append)
    flags |= O_WRONLY;
  else
    flags |= O_RDONLY;
  if (o.create) flags |= O_CREAT;
  if (o.truncate) flags |= O_TRUNC;
  if (o.append) flags |= O_APPEND;
  if (o.exclusive) flags |= O_EXCL;
  int fd = co_await IoAwaiter::openat(AT_FDCWD, path.c_str(), flags, o.mode, current_token());
  if (fd < 0) co_return errno_error(-fd, "open " + path);
  co_return File(fd, std::move(path));
}

Task<Result<File>> File::create(std::string path) {
  OpenOptions o;
  o.read = false;
  o.write = true;
  o.create = true;
  o.truncate = true;
  co_return co_await open(std::move(path), o);
}

Task<Result<FileMetadata>> File::metadata(std::string path, bool follow_symlinks) {
  struct statx s {};
  int flags = follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW;
  int r = co_await IoAwaiter::statx(AT_FDCWD, path.c_str(), flags, kStatxMask, &s, current_token());
  if (r < 0) co_return errno_error(-r, "stat " + path);
  co_return from_statx(s);
}

Task<Result<std::size_t>> File::read(std::span<std::byte> buffer) {
  int r =
      co_await IoAwaiter::read(fd_, buffer.data(), clamp_len(buffer.size()), -1, current_token());
  if (r < 0) co_return error(r, "read");
  co_return static_cast<std::size_t>(r);
}

Task<Result<std::size_t>> File::write(std::span<const std::byte> data) {
  int r = co_await IoAwaiter::write(fd_, data.data(), clamp_len(data.size()), -1, current_token());
  if (r < 0) co_return error(r, "write");
  co_return static_cast<std::size_t>(r);
}

Task<Result<std::size_t>> File::read_at(std::span<std::byte> buffer, uint64_t offset) {
  int r = co_await IoAwaiter::read(fd_, buffer.data(), clamp_len(buffer.size()),
                                   static_cast<int64_t>(offset), current_token());
  if (r < 0) co_return error(r, "read");
  co_return static_cast<std::size_t>(r);
}

Task<Result<std::size_t>> File::write_at(std::span<const std::byte> data, uint64_t offset) {
  int r = co_await IoAwaiter::write(fd_, data.data(), clamp_len(data.size()),
                                    static_cast<int64_t>(offset), current_token());
  if (r < 0) co_return error(r, "write");
  co_return static_cast<std::size_t>(r);
}

Task<Result<void>> File::write_all_at(std::span<const std::byte> data, uint64_t offset) {
  while (!data.empty()) {
    auto n = co_await write_at(data, offset);
    if (!n) co_return n.take_error();
    if (*n == 0) co_return errno_error(EIO, "write " + path_ + " (no progress)");
    data = data.subspan(*n);
    offset += *n;
  }
  co_return Result<void>{};
}

Task<Result<std::size_t>> File::read_full_at(std::span<std::byte> buffer, uint64_t offset) {
  std::size_t total = 0;
  while (total < buffer.size()) {
    auto n = co_await read_at(buffer.subspan(total), offset + total);
    if (!n) co_return n.take_error();
    if (*n == 0) break;  // end of file (it may have shrunk meanwhile)
    total += *n;
  }
  co_return total;
}

Task<Result<void>> File::sync() {
  int r = co_await IoAwaiter::fsync(fd_, false, current_token());
  if (r < 0) co_return error(r, "fsync");
  co_return Result<void>{};
}

Task<Result<void>> File::sync_data() {
  int r = co_await IoAwaiter::fsync(fd_, true, current_token());
  if (r < 0) co_return error(r, "fdatasync");
  co_return Result<void>{};
}

Task<Result<FileMetadata>> File::metadata() {
  struct statx s {};
  int r = co_await IoAwaiter::statx(fd_, "", AT_EMPTY_PATH, kStatxMask, &s, current_token());
  if (r < 0) co_return error(r, "stat");
  co_return from_statx(s);
}

Task<Result<void>> File::close() {
  if (fd_ < 0) co_return Result<void>{};
  int fd = std::exchange(fd_, -1);
  Core::current()->backend().forget_fd(fd);
  int r = co_await IoAwaiter::close(fd);
  if (r < 0) co_return error(r, "close");
  co_return Result<void>{};
}

}  // namespace moonring
