// FileSlot completion and the blocking / awaiting sides of AsyncFile.
#include "workspace/map/async_file.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "runtime/core.hpp"
#include "runtime/message.hpp"

namespace moonring {
namespace {

// Sleeps while `word` holds `expected` (returns at once if it does not, or on a spurious wake).
void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void futex_wake_all(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}

}  // namespace

void FileSlot::complete(Result<FileContent> r, uint64_t seq) {
  bool ok = r.ok();
  result.emplace(std::move(r));
  sequence = seq;
  state.store(ok ? FileState::ready : FileState::failed, std::memory_order_release);
  uint32_t before = wake.exchange(kAnswered, std::memory_order_acq_rel);
  if (before & kSleepers) futex_wake_all(wake);
  if (before & kDemand) block->budget()->lower_demand();
  if (!(before & kAwaiters)) return;
  // A get() set kAwaiters under the mutex and queued itself before releasing it: taking the
  // mutex here finds it queued.
  std::vector<Waiter> woken;
  {
    std::lock_guard lock(mutex);
    woken.swap(waiters);
  }
  for (auto& w : woken) {
    Core* core = w.core;
    core->post(Message([core, h = w.handle, ctx = w.context] {
      core->external_finished();
      core->schedule(h, ctx);
    }));
  }
}

void FileSlot::demand() {
  if (claimed.load(std::memory_order_acquire) ||
      state.load(std::memory_order_acquire) != FileState::pending)
    return;
  uint32_t w = wake.load(std::memory_order_acquire);
  if (w & (kAnswered | kDemand)) return;
  // Raised before the bit is set, so that complete(), which lowers it for the bit, never
  // lowers it first.
  MemoryBudget& budget = *block->budget();
  budget.raise_demand();
  do {
    if (w & (kAnswered | kDemand)) {
      budget.lower_demand();  // answered meanwhile, or another waiter raised it
      return;
    }
  } while (!wake.compare_exchange_weak(w, w | kDemand));
  // A worker took the file between the check and the bit, and may have looked for the bit
  // before it was set: take it back (one of the two sees the other, both accesses seq_cst).
  if (claimed.load()) retract_demand();
}

void FileSlot::retract_demand() {
  uint32_t w = wake.load();
  while ((w & (kDemand | kAnswered)) == kDemand)
    if (wake.compare_exchange_weak(w, w & ~kDemand)) {
      block->budget()->lower_demand();
      return;
    }
}

bool FileSlot::claim() {
  if (claimed.exchange(true)) return false;
  retract_demand();
  return true;
}

const Result<FileContent>& AsyncFile::wait() const {
  FileSlot& s = *slot_;
  uint32_t w = s.wake.load(std::memory_order_acquire);
  if (w & FileSlot::kAnswered) return *s.result;
  s.demand();
  w = s.wake.load(std::memory_order_acquire);
  // No yield loop before the sleep: a yielding consumer waits a whole scheduler slice for its
  // CPU while the workers run ahead, and what it touched goes cold (bench/load: +17% copy cost).
  while (!(w & FileSlot::kAnswered)) {
    if (!(w & FileSlot::kSleepers) &&
        !s.wake.compare_exchange_weak(w, w | FileSlot::kSleepers, std::memory_order_acquire))
      continue;  // `w` was reloaded
    futex_wait(s.wake, w | FileSlot::kSleepers);
    w = s.wake.load(std::memory_order_acquire);
  }
  return *s.result;
}

bool AsyncFile::GetAwaiter::await_suspend(std::coroutine_handle<> h) {
  core_ = Core::current();
  handle_ = h;
  context_ = core_->context();
  const CancellationToken& token = core_->token();
  {
    std::lock_guard lock(slot_->mutex);
    // Announce the wait, unless the answer came between await_ready and here: resume at once.
    uint32_t w = slot_->wake.load(std::memory_order_acquire);
    do {
      if (w & FileSlot::kAnswered) return false;
    } while (!slot_->wake.compare_exchange_weak(
        w, w | FileSlot::kAwaiters, std::memory_order_acq_rel, std::memory_order_acquire));
    if (token.cancelled()) {
      if (!slot_->cancelled)
        slot_->cancelled = std::make_unique<Result<FileContent>>(
            runtime_error(RuntimeErrc::cancelled, "wait for " + slot_->path));
      cancelled_ = true;
      return false;
    }
    // The core counts the wait as work in flight so that it does not drop the frame at shutdown
    // while the loader may still resume it.
    core_->external_started();
    slot_->waiters.push_back({core_, h, context_, this});
  }
  slot_->demand();  // as in wait()
  // The loader resumes us only through a message to this core, which runs after this.
  if (token.can_be_cancelled()) registration_.attach(token, &GetAwaiter::cancel_requested, this);
  return true;
}

const Result<FileContent>& AsyncFile::GetAwaiter::await_resume() {
  registration_.reset();
  return cancelled_ ? *slot_->cancelled : *slot_->result;
}

// On the waiting task's core. If the loader has taken the waiter out already, its message to
// resume the task is on its way and the task gets the file.
void AsyncFile::GetAwaiter::cancel_requested(void* self) {
  auto* a = static_cast<GetAwaiter*>(self);
  FileSlot& slot = *a->slot_;
  {
    std::lock_guard lock(slot.mutex);
    auto it = std::find_if(slot.waiters.begin(), slot.waiters.end(),
                           [&](const FileSlot::Waiter& w) { return w.awaiter == a; });
    if (it == slot.waiters.end()) return;
    slot.waiters.erase(it);
    if (!slot.cancelled)
      slot.cancelled = std::make_unique<Result<FileContent>>(
          runtime_error(RuntimeErrc::cancelled, "wait for " + slot.path));
  }
  a->cancelled_ = true;
  a->core_->external_finished();
  a->core_->schedule(a->handle_, a->context_);
}

}  // namespace moonring
