// Reads batches of small files of known size, for one loader worker, through the runtime's
// FileBatch (its own io_uring: every open in one submission, then every read and close in a
// second; or, without io_uring, the same as plain calls). Files it cannot settle are left to
// the caller.
#pragma once

#include <fcntl.h>

#include <cstddef>
#include <memory>
#include <span>

#include "runtime/file_batch.hpp"
#include "workspace/map/mapped_region.hpp"

namespace moonring {

struct SmallFile {
  int dir_fd = AT_FDCWD;       // `name` is relative to it
  const char* name = nullptr;  // lives until read() returns
  std::size_t expected = 0;    // the size discovery gave
  OwnedBytes bytes;            // when done
  // False: not settled here (an error, or a size other than `expected`): the caller loads the
  // file the plain way, which gives the error its message or follows the change.
  bool done = false;
  bool opened = false;  // BatchReader's own: the open succeeded
};

class BatchReader {
 public:
  // Files per read() call: one slot each.
  static constexpr std::size_t kMaxFiles = FileBatch::kSlots;
  // Files of this size or more are left to the caller (and best mapped anyway).
  static constexpr std::size_t kMaxFileSize = std::size_t{1} << 30;

  // Through io_uring when the backend choice allows it and the kernel has it, else plain system
  // calls (runtime/file_batch.hpp decides). Call on the thread that will use it.
  static std::unique_ptr<BatchReader> create();
  // Plain system calls whatever the backend choice.
  static std::unique_ptr<BatchReader> create_plain();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  bool uses_io_uring() const { return batch_->uses_io_uring(); }
  // Up to kMaxFiles files; returns when every request of the batch has completed.
  void read(std::span<SmallFile> files);

 private:
  explicit BatchReader(std::unique_ptr<FileBatch> batch) : batch_(std::move(batch)) {}
  std::unique_ptr<FileBatch> batch_;
};

}  // namespace moonring
