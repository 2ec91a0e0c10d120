// Recycled buffers for small-file contents: a fresh allocation per file costs a page fault per
// 4 KB when the allocator has given the memory back to the kernel; reused buffers are warm.
#pragma once

#include <cstddef>
#include <memory>

namespace moonring {

struct PooledDeleter {
  std::size_t capacity = 0;  // 0: not from the pool (plain delete[])
  void operator()(std::byte* p) const noexcept;
};
using ByteBuffer = std::unique_ptr<std::byte[], PooledDeleter>;

// A buffer of at least `bytes` bytes (power-of-two classes from 4 KB to 2 MB; larger ones are
// plain allocations). Freed buffers wait in the pool for the next file, up to 64 MB in all.
ByteBuffer allocate_buffer(std::size_t bytes);

}  // namespace moonring
