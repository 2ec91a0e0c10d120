// A received buffer on loan from the core's buffer pool; the buffer goes back to the pool (and so
// to the kernel) when the lease ends. Leases are used and released on the core that made them
// (debug builds check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "runtime/affinity.hpp"
#include "runtime/backend.hpp"

namespace moonring {

class BufferLease {
 public:
  BufferLease() = default;
  // A pool buffer.
  BufferLease(Backend* pool, uint32_t id, std::size_t size)
      : pool_(pool), id_(id), data_(pool->buffer_pool().data(id)), size_(size) {}
  // A buffer of its own (when the pool ran dry).
  BufferLease(std::unique_ptr<std::byte[]> own, std::size_t size)
      : own_(std::move(own)), data_(own_.get()), size_(size) {}
  BufferLease(BufferLease&& o) noexcept
      : affinity_(o.affinity_),
        pool_(std::exchange(o.pool_, nullptr)),
        id_(o.id_),
        own_(std::move(o.own_)),
        data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)) {}
  BufferLease& operator=(BufferLease&& o) noexcept {
    if (this != &o) {
      release();
      affinity_ = o.affinity_;
      pool_ = std::exchange(o.pool_, nullptr);
      id_ = o.id_;
      own_ = std::move(o.own_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  BufferLease(const BufferLease&) = delete;
  BufferLease& operator=(const BufferLease&) = delete;
  ~BufferLease() { release(); }

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void release() {
    if (pool_) {
      MOONRING_ASSERT_AFFINE(affinity_);
      std::exchange(pool_, nullptr)->return_buffer(id_);
    }
    own_.reset();
    data_ = nullptr;
    size_ = 0;
  }

 private:
  [[no_unique_address]] CoreAffinity affinity_;
  Backend* pool_ = nullptr;
  uint32_t id_ = 0;
  std::unique_ptr<std::byte[]> own_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace moonring
