// A thread's own batches of file requests (open into a numbered slot, read from a slot, close a
// slot), queued together and waited for together: for threads outside the cores that read many
// small files (the loader's workers). Through an io_uring of the thread's own, on direct
// descriptors, when the backend choice allows io_uring and the kernel has it; otherwise the same
// requests are plain system calls, made as they are queued. The one seam to the kernel for such
// threads: nothing outside runtime/ drives a ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace moonring {

class FileBatch {
 public:
  // Slots (descriptors open at once) per batch, and requests queued between waits.
  static constexpr unsigned kSlots = 64;
  static constexpr unsigned kMaxQueued = 2 * kSlots;

  struct Completion {
    uint64_t tag;    // as queued
    int32_t result;  // open and close: 0; read: bytes read; or -errno
  };

  // io_uring unless the backend choice says asio or the ring cannot be set up. Call on the
  // thread that will use it (the ring is single-issuer).
  static std::unique_ptr<FileBatch> create();
  // Plain system calls whatever the backend choice (for comparisons and tests).
  static std::unique_ptr<FileBatch> create_plain();
  ~FileBatch();
  FileBatch(const FileBatch&) = delete;
  FileBatch& operator=(const FileBatch&) = delete;

  bool uses_io_uring() const { return ring_ != nullptr; }

  // `name` (relative to `dir_fd`) opened read-only into `slot`; the name lives until wait_all().
  void open(unsigned slot, int dir_fd, const char* name, uint64_t tag);
  // Up to `len` bytes from the start of the file in `slot` into `buf`.
  void read(unsigned slot, void* buf, uint32_t len, uint64_t tag);
  void close(unsigned slot, uint64_t tag);
  // Submits what is queued and returns once every request has completed, with the completions
  // (in the order they came). A read that waits for the disk holds its own reference to its
  // file, so its slot's close may complete first.
  std::span<const Completion> wait_all();

  class Ring;  // the io_uring side (runtime/uring/file_batch_ring.cpp)

 private:
  explicit FileBatch(std::unique_ptr<Ring> ring);
  void start_queueing();        // forgets the completions of the last wait_all()
  std::unique_ptr<Ring> ring_;  // null: plain system calls
  std::vector<int> slots_;      // plain: the descriptor in each slot
  std::vector<Completion> done_;
  bool waited_ = false;
};

}  // namespace moonring
