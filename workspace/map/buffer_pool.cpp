// The process-wide buffer pool behind allocate_buffer(): one free list per size class.
#include "workspace/map/buffer_pool.hpp"

#include <atomic>
#include <bit>
#include <mutex>
#include <vector>

namespace moonring {
namespace {

constexpr std::size_t kMinClass = 12;  // 4 KB
constexpr std::size_t kMaxClass = 21;  // 2 MB
constexpr std::size_t kCachedLimit = 64u << 20;

struct SizeClass {
  std::mutex mutex;
  std::vector<std::byte*> free;
};

struct Pool {
  SizeClass classes[kMaxClass - kMinClass + 1];
  std::atomic<std::size_t> cached{0};
};

// Never destroyed: buffers may be freed by static destructors of other objects.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

std::size_t class_of(std::size_t capacity) {
  return static_cast<std::size_t>(std::countr_zero(capacity)) - kMinClass;
}

}  // namespace

void PooledDeleter::operator()(std::byte* p) const noexcept {
  if (p == nullptr) return;
  if (capacity == 0) {
    delete[] p;
    return;
  }
  Pool& pl = pool();
  if (pl.cached.fetch_add(capacity) + capacity <= kCachedLimit) {
    SizeClass& c = pl.classes[class_of(capacity)];
    std::lock_guard lock(c.mutex);
    c.free.push_back(p);
    return;
  }
  pl.cached.fetch_sub(capacity);
  delete[] p;
}

ByteBuffer allocate_buffer(std::size_t bytes) {
  std::size_t capacity = std::bit_ceil(std::max<std::size_t>(bytes, std::size_t{1} << kMinClass));
  if (capacity > (std::size_t{1} << kMaxClass)) return ByteBuffer(new std::byte[bytes], {0});
  Pool& pl = pool();
  SizeClass& c = pl.classes[class_of(capacity)];
  {
    std::lock_guard lock(c.mutex);
    if (!c.free.empty()) {
      std::byte* p = c.free.back();
      c.free.pop_back();
      pl.cached.fetch_sub(capacity);
      return ByteBuffer(p, {capacity});
    }
  }
  return ByteBuffer(new std::byte[capacity], {capacity});
}

}  // namespace moonring
