// The loader's memory budget: bytes mapped or copied and not yet released, with a limit that
// loading waits under. Leases give bytes back when the content holding them is destroyed.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

namespace moonring {

struct MemoryBudget {
  explicit MemoryBudget(std::size_t limit_bytes, std::size_t run_ahead_bytes = 0)
      : limit(limit_bytes), run_ahead(run_ahead_bytes) {}
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
  // Background loading runs at most this far ahead of the consumers (bytes held; 0: no bound)
  // while nobody waits for a file no worker has taken (`demand`). Workers that stopped there
  // resume once half of it is released: one wake-up per half window, not one per released file
  // as with a tight `limit`, whose waiters each release wakes.
  const std::size_t run_ahead;
  std::atomic<unsigned> window_waiters{0};
  std::atomic<std::size_t> window_wake_at{0};  // the highest `used` a window waiter wakes at
  std::atomic<unsigned> demand{0};

  // Under the lock.
  void admit(std::size_t bytes) {
    std::size_t now = used.fetch_add(bytes) + bytes;
    if (now > peak) peak = now;
  }
  void release(std::size_t bytes) {
    if (bytes == 0) return;
    std::size_t now = used.fetch_sub(bytes) - bytes;
    // Paired with wait_for_memory() and wait_for_window(): the waiter counts itself before it
    // reads `used`, the releaser lowers `used` before it reads the count, so one of them sees
    // the other.
    if (memory_waiters.load() != 0 || (window_waiters.load() != 0 && now <= window_wake_at.load()))
      notify();
  }
  void notify() {
    { std::lock_guard lock(mutex); }
    cv.notify_all();
  }
  // Background files of `bytes` may start now, with `pending` taken but not yet admitted.
  bool within_run_ahead(std::size_t bytes, std::size_t pending) const {
    if (run_ahead == 0 || demand.load() != 0) return true;
    std::size_t held = used.load() + pending;
    return held + bytes <= run_ahead || held == 0;
  }
  // A consumer blocks on a file no worker has taken: the window no longer holds the workers
  // back (until lower_demand()).
  void raise_demand() {
    demand.fetch_add(1);
    if (window_waiters.load() != 0) notify();  // paired with wait_for_window() as above
  }
  void lower_demand() { demand.fetch_sub(1); }
  // Under the lock: sleeps until a release (or another notification).
  template <typename Lock, typename Fits>
  void wait_for_memory(Lock& lock, Fits fits) {
    memory_waiters.fetch_add(1);
    if (!fits()) cv.wait(lock);
    memory_waiters.fetch_sub(1);
  }
  // Under the lock: a worker stopped by run_ahead before a file of `bytes` sleeps until half
  // the window is free (or room for the file, if that is less), a consumer blocks on a file not
  // taken yet, or `other()` (urgent work, stopping).
  template <typename Lock, typename Other>
  void wait_for_window(Lock& lock, std::size_t bytes, Other other) {
    std::size_t wake_at = bytes >= run_ahead ? 0 : std::min(run_ahead / 2, run_ahead - bytes);
    // Stored before the count, read after it by release(): a releaser that sees the count sees
    // this too. Waiters change it under the lock only.
    if (wake_at > window_wake_at.load()) window_wake_at.store(wake_at);
    window_waiters.fetch_add(1);
    if (used.load() > wake_at && demand.load() == 0 && !other()) cv.wait(lock);
    if (window_waiters.fetch_sub(1) == 1) window_wake_at.store(0);
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
