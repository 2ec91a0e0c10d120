// FileBatch: choosing io_uring or plain calls, and the plain calls (see file_batch.hpp).
#include "runtime/file_batch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/backend_choice.hpp"
#include "runtime/uring/file_batch_ring.hpp"

namespace moonring {

std::unique_ptr<FileBatch> FileBatch::create() {
  auto kind = chosen_backend();
  // MOONRING_BACKEND=asio keeps meaning "no io_uring anywhere".
  if (kind && *kind == BackendKind::asio) return create_plain();
  return std::unique_ptr<FileBatch>(new FileBatch(Ring::create(kSlots, kMaxQueued)));
}

std::unique_ptr<FileBatch> FileBatch::create_plain() {
  return std::unique_ptr<FileBatch>(new FileBatch(nullptr));
}

FileBatch::FileBatch(std::unique_ptr<Ring> ring) : ring_(std::move(ring)) {
  if (!ring_) slots_.assign(kSlots, -1);
  done_.reserve(kMaxQueued);
}

FileBatch::~FileBatch() {
  for (int fd : slots_)
    if (fd >= 0) ::close(fd);
}

void FileBatch::open(unsigned slot, int dir_fd, const char* name, uint64_t tag) {
  start_queueing();
  if (ring_) {
    ring_->open(slot, dir_fd, name, tag);
    return;
  }
  if (slots_[slot] >= 0) ::close(slots_[slot]);
  int fd;
  do fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  slots_[slot] = fd;
  done_.push_back({tag, fd < 0 ? -errno : 0});
}

void FileBatch::read(unsigned slot, void* buf, uint32_t len, uint64_t tag) {
  start_queueing();
  if (ring_) {
    ring_->read(slot, buf, len, tag);
    return;
  }
  ssize_t n;
  do n = ::pread(slots_[slot], buf, len, 0);
  while (n < 0 && errno == EINTR);
  done_.push_back({tag, n < 0 ? -errno : static_cast<int32_t>(n)});
}

void FileBatch::close(unsigned slot, uint64_t tag) {
  start_queueing();
  if (ring_) {
    ring_->close(slot, tag);
    return;
  }
  int r = slots_[slot] >= 0 ? ::close(slots_[slot]) : (errno = EBADF, -1);
  slots_[slot] = -1;
  done_.push_back({tag, r < 0 && errno != EINTR ? -errno : 0});
}

void FileBatch::start_queueing() {
  if (!waited_) return;
  done_.clear();  // the completions handed out last time
  waited_ = false;
}

std::span<const FileBatch::Completion> FileBatch::wait_all() {
  start_queueing();
  if (ring_) ring_->wait_all(done_);
  waited_ = true;
  return done_;
}

}  // namespace moonring
