// FileSlot completion and the blocking / awaiting sides of AsyncFile.
#include "workspace/map/async_file.hpp"

#include <sched.h>

#include <chrono>

#include "runtime/core.hpp"
#include "runtime/message.hpp"

namespace moonring {

void FileSlot::complete(Result<FileContent> r, uint64_t seq) {
  std::vector<Waiter> woken;
  bool notify = false;
  {
    std::lock_guard lock(mutex);
    bool ok = r.ok();
    result.emplace(std::move(r));
    sequence = seq;
    state.store(ok ? FileState::ready : FileState::failed, std::memory_order_release);
    woken.swap(waiters);
    notify = sleepers;
  }
  if (notify) cv.notify_all();
  for (auto& w : woken) {
    Core* core = w.core;
    core->post(Message([core, h = w.handle, ctx = w.context] {
      core->external_finished();
      core->schedule(h, ctx);
    }));
  }
}

const Result<FileContent>& AsyncFile::wait() const {
  FileSlot& s = *slot_;
  if (s.done()) return *s.result;  // the usual case for a consumer behind the loader: no clock
  // A consumer taking files in order usually waits for the end of the batch being loaded: a
  // short yield loop saves the futex sleep and, more, the loader's worker the wake-up call (which
  // on a busy machine also hands the worker's CPU to the consumer).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
  for (unsigned i = 0; !s.done(); ++i) {
    sched_yield();
    if ((i & 15) == 15 && std::chrono::steady_clock::now() > deadline) break;
  }
  if (!s.done()) {
    std::unique_lock lock(s.mutex);
    s.sleepers = true;
    s.cv.wait(lock, [&] { return s.result.has_value(); });
  }
  return *s.result;
}

bool AsyncFile::suspend(FileSlot* slot, std::coroutine_handle<> h) {
  Core* core = Core::current();
  std::lock_guard lock(slot->mutex);
  if (slot->result) return false;  // finished between await_ready and here: resume at once
  // The core counts the wait as work in flight so that it does not drop the frame at shutdown
  // while the loader may still resume it.
  core->external_started();
  slot->waiters.push_back({core, h, core->context()});
  return true;
}

}  // namespace moonring
