// The loader's memory budget: bytes mapped or copied and not yet released, with a limit that
// loading waits under. Leases give bytes back when the content holding them is destroyed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

namespace moonring {

struct MemoryBudget {
  explicit MemoryBudget(std::size_t limit_bytes) : limit(limit_bytes) {}
  // One lock for the budget and the loader's queues, so that a worker waiting for memory also
  // sees urgent work arrive (the loader waits on `cv` for both). Recursive because a worker that
  // holds it may drop the last reference to a loaded file, whose lease then releases here.
  std::recursive_mutex mutex;
  std::condition_variable_any cv;
  const std::size_t limit;
  // Raised under the lock, lowered by releases without it: giving memory back costs an atomic
  // unless a worker waits for memory (then the releaser takes the lock and wakes it).
  std::atomic<std::size_t> used{0};
  std::size_t peak = 0;  // under the lock
  std::atomic<unsigned> memory_waiters{0};

  // Under the lock.
  void admit(std::size_t bytes) {
    std::size_t now = used.fetch_add(bytes) + bytes;
    if (now > peak) peak = now;
  }
  void release(std::size_t bytes) {
    if (bytes == 0) return;
    used.fetch_sub(bytes);
    // Paired with wait_for_memory(): the waiter counts itself before it reads `used`, the
    // releaser lowers `used` before it reads the count, so one of them sees the other.
    if (memory_waiters.load() != 0) {
      { std::lock_guard lock(mutex); }
      cv.notify_all();
    }
  }
  // Under the lock: sleeps until a release (or another notification).
  template <typename Lock, typename Fits>
  void wait_for_memory(Lock& lock, Fits fits) {
    memory_waiters.fetch_add(1);
    if (!fits()) cv.wait(lock);
    memory_waiters.fetch_sub(1);
  }
};

// The budget kept alive for the leases of one batch (or of one file): one allocation and one
// shared_ptr copy per batch. A shared_ptr copy per lease bounced the control block's cache line
// between the worker, the consumer and the other worker on every file; the count here is raised by
// the worker while the batch is still its own and lowered by whoever releases.
struct LeaseGroup {
  explicit LeaseGroup(std::shared_ptr<MemoryBudget> b, std::size_t holders = 0)
      : budget(std::move(b)), leases(holders) {}
  std::shared_ptr<MemoryBudget> budget;
  std::atomic<std::size_t> leases;
  // Drops one holder; the last one frees the group.
  static void drop(LeaseGroup* g) {
    if (g->leases.fetch_sub(1, std::memory_order_acq_rel) == 1) delete g;
  }
};

// Bytes held from a budget; given back on destruction (also when an exception unwinds).
class MemoryLease {
 public:
  MemoryLease() = default;
  // One more lease of `group`, which its creator (or another lease) keeps alive meanwhile.
  MemoryLease(LeaseGroup* group, std::size_t bytes) : group_(group), bytes_(bytes) {
    group_->leases.fetch_add(1, std::memory_order_relaxed);
  }
  // A lease in a group of its own.
  MemoryLease(std::shared_ptr<MemoryBudget> budget, std::size_t bytes)
      : group_(new LeaseGroup(std::move(budget), 1)), bytes_(bytes) {}
  MemoryLease(MemoryLease&& o) noexcept
      : group_(std::exchange(o.group_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  MemoryLease& operator=(MemoryLease&& o) noexcept {
    if (this != &o) {
      reset();
      group_ = std::exchange(o.group_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  MemoryLease(const MemoryLease&) = delete;
  MemoryLease& operator=(const MemoryLease&) = delete;
  ~MemoryLease() { reset(); }
  std::size_t bytes() const { return bytes_; }
  void reset() {
    if (!group_) return;
    group_->budget->release(bytes_);
    LeaseGroup::drop(std::exchange(group_, nullptr));
    bytes_ = 0;
  }

 private:
  LeaseGroup* group_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace moonring
