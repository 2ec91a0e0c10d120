// Reads batches of small files of known size, for one loader worker: through its own io_uring
// (one submission for the whole batch: open, read, close per file on direct descriptors) or,
// without io_uring, with plain open + read + close. Files it cannot settle are left to the caller.
#pragma once

#include <fcntl.h>

#include <cstddef>
#include <memory>
#include <span>

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
  // Files per read() call: one direct-descriptor slot each.
  static constexpr std::size_t kMaxFiles = 64;
  // Files of this size or more are left to the caller (and best mapped anyway).
  static constexpr std::size_t kMaxFileSize = std::size_t{1} << 30;

  // Null when io_uring is not to be used (MOONRING_BACKEND=asio) or not available; call on the
  // thread that will use it (the ring is single-issuer).
  static std::unique_ptr<BatchReader> create();
  ~BatchReader();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  // Up to kMaxFiles files; returns when every request of the batch has completed.
  void read(std::span<SmallFile> files);

  struct Ring;

 private:
  explicit BatchReader(std::unique_ptr<Ring> ring);
  // Submits what is queued and reaps `expected` completions, calling on_completion(data, res).
  template <class OnCompletion>
  void complete_all(std::size_t expected, OnCompletion&& on_completion);
  std::unique_ptr<Ring> ring_;
};

// The same without io_uring: openat + read + close per file.
void read_plain(std::span<SmallFile> files);

}  // namespace moonring
