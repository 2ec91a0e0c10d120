// A file's slot, shared by the loader and the file's handles, and how slots are owned: made
// together in blocks (one allocation per 128 slots of a load_many, not one per file) and counted
// per slot by an intrusive count (SlotRef), so that neither side allocates or frees per file and
// no control block is freed by another thread.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/result.hpp"
#include "workspace/map/file_content.hpp"

namespace moonring {

class Core;
struct TaskContext;
class SlotBlock;

enum class FileState : uint8_t { pending, loading, ready, failed };

// The state shared by the loader and the handles of one file. It lives in a SlotCell of a
// SlotBlock; SlotRefs (handles, a worker's hold) count in the cell, and the last one gone
// destroys it (its content's memory goes back to the budget then).
struct FileSlot {
  FileSlot(std::string p, std::size_t hint, SlotBlock* b)
      : path(std::move(p)), size_hint(hint), block(b) {}

  const std::string path;
  const std::size_t size_hint;  // SIZE_MAX: unknown
  SlotBlock* const block;
  std::atomic<FileState> state{FileState::pending};
  std::atomic<bool> claimed{false};  // a worker took it (it may sit in two queues once bumped)
  uint64_t sequence = 0;             // completion order across the loader, for tests and stats

  // A futex word for wait(): kAnswered once `result` is there, kSleepers while a thread sleeps
  // on it, kAwaiters once a get() has queued in `waiters`. One word per slot, no condition
  // variable (whose destruction alone cost 0.6% of a load pass) and no yield phase
  // (std::atomic::wait's, which lets the consumer trail the workers). complete() takes the mutex
  // only when kAwaiters says a get() waits.
  static constexpr uint32_t kAnswered = 1;
  static constexpr uint32_t kSleepers = 2;
  static constexpr uint32_t kAwaiters = 4;
  // A waiter found the file not taken by any worker yet and raised the budget's `demand`, which
  // lifts the run-ahead window; lowered when a worker takes the file (or it is answered, or the
  // slot goes unanswered).
  static constexpr uint32_t kDemand = 8;
  std::atomic<uint32_t> wake{0};

  std::mutex mutex;  // guards `waiters` and `cancelled`
  // Written once by complete() before kAnswered; read after kAnswered (or `state`) is seen.
  std::optional<Result<FileContent>> result;
  struct Waiter {
    Core* core;
    std::coroutine_handle<> handle;
    TaskContext* context;
    const void* awaiter;  // tells a cancelled get() its own entry
  };
  std::vector<Waiter> waiters;
  // What a get() whose task was cancelled while it waited sees ("wait for PATH: cancelled"):
  // made by the first such get(), never changed afterwards. Behind a pointer: it is rare, and
  // inline it made every slot a third larger (see SlotCell).
  std::unique_ptr<Result<FileContent>> cancelled;

  // From the worker: stores the result, wakes wait() and resumes get() on each awaiting core.
  void complete(Result<FileContent> r, uint64_t seq);
  // From a waiter about to block: if no worker has taken the file, lifts the loader's
  // run-ahead window until a worker takes it (kDemand).
  void demand();
  // From a worker, under the loader's lock: takes the file (false: someone had). A demand for it
  // ends here: left up while the file loads, it let the other workers load a batch beyond the
  // window (loader_test saw a peak of one and a half windows).
  bool claim();
  // Lowers the budget's demand if this slot's bit still holds it.
  void retract_demand();
  bool done() const {
    auto s = state.load(std::memory_order_acquire);
    return s == FileState::ready || s == FileState::failed;
  }
};

// A slot's place in its block. The count outlives the slot it counts: a queue may still ask
// a dead slot's count (SlotRef::try_lock) as long as the block is there. A cell is four whole
// cache lines: a file's slot moves from the consumer that makes it (load_many) to a worker and
// back, and every line it spans is a transfer between CPUs (bench/load: six lines per file
// before, with neighbouring slots sharing the ones at their ends).
struct alignas(64) SlotCell {
  SlotCell() {}                   // the slot is made by SlotBlock::add
  ~SlotCell() {}                  // and destroyed by its last SlotRef
  std::atomic<uint32_t> refs{1};  // 0: the slot is gone for good
  union {
    FileSlot slot;
  };
};
static_assert(sizeof(SlotCell) <= 4 * 64, "a slot spans at most four cache lines");

// Owns up to `capacity` cells. Counted references: its maker's (the loader's: its queues and
// path index point into the block) and one per live slot; the last one frees the block.
class SlotBlock {
 public:
  // A new block holding its maker's reference; `budget` is the loader's, whose run-ahead window
  // a consumer blocked on one of these slots lifts.
  static SlotBlock* make(std::size_t capacity, std::shared_ptr<MemoryBudget> budget);
  // The block's next slot, with one reference (for the handle its maker returns).
  SlotCell* add(std::string path, std::size_t size_hint);
  void drop();
  MemoryBudget* budget() const { return budget_.get(); }

  SlotBlock(const SlotBlock&) = delete;
  SlotBlock& operator=(const SlotBlock&) = delete;

 private:
  SlotBlock(std::size_t capacity, std::shared_ptr<MemoryBudget> budget)
      : budget_(std::move(budget)), capacity_(capacity) {}
  ~SlotBlock();
  SlotCell* cells();

  std::shared_ptr<MemoryBudget> budget_;
  std::atomic<std::size_t> refs_{1};
  std::size_t size_ = 0;
  const std::size_t capacity_;
};

// A counted reference to a live slot, as std::shared_ptr but intrusive: a copy is one atomic
// on the cell, and the last reference gone destroys the slot (its content and path) at once.
class SlotRef {
 public:
  SlotRef() = default;
  // Takes over a reference the caller holds (SlotBlock::add's).
  static SlotRef adopt(SlotCell* cell) { return SlotRef(cell); }
  // A new reference if the slot is still live (as weak_ptr::lock); empty when it is gone.
  static SlotRef try_lock(SlotCell* cell);
  SlotRef(const SlotRef& o);
  SlotRef(SlotRef&& o) noexcept : cell_(std::exchange(o.cell_, nullptr)) {}
  SlotRef& operator=(SlotRef o) noexcept {
    std::swap(cell_, o.cell_);
    return *this;
  }
  ~SlotRef() { reset(); }

  void reset();
  SlotCell* cell() const { return cell_; }
  FileSlot* get() const { return cell_ ? &cell_->slot : nullptr; }
  FileSlot* operator->() const { return &cell_->slot; }
  FileSlot& operator*() const { return cell_->slot; }
  explicit operator bool() const { return cell_ != nullptr; }

 private:
  explicit SlotRef(SlotCell* cell) : cell_(cell) {}
  SlotCell* cell_ = nullptr;
};

}  // namespace moonring
