// FileBatch's io_uring side, kept out of file_batch.hpp so that liburing stays inside runtime/.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/file_batch.hpp"

namespace moonring {

class FileBatch::Ring {
 public:
  // Null when the kernel refuses the ring or its registered file slots.
  static std::unique_ptr<Ring> create(unsigned slots, unsigned entries);
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  void open(unsigned slot, int dir_fd, const char* name, uint64_t tag);
  void read(unsigned slot, void* buf, uint32_t len, uint64_t tag);
  void close(unsigned slot, uint64_t tag);
  // Submits and reaps until every queued request has completed; appends the completions.
  void wait_all(std::vector<Completion>& out);

  struct Impl;

 private:
  explicit Ring(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace moonring
