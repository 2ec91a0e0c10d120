// FileSlot completion and the blocking / awaiting sides of AsyncFile.
#include "workspace/map/async_file.hpp"

#include <sched.h>

#include <algorithm>
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

bool AsyncFile::GetAwaiter::await_suspend(std::coroutine_handle<> h) {
  core_ = Core::current();
  handle_ = h;
  context_ = core_->context();
  const CancellationToken& token = core_->token();
  {
    std::lock_guard lock(slot_->mutex);
    if (slot_->result) return false;  // finished between await_ready and here: resume at once
    if (token.cancelled()) {
      if (!slot_->cancelled)
        slot_->cancelled.emplace(runtime_error(RuntimeErrc::cancelled, "wait for " + slot_->path));
      cancelled_ = true;
      return false;
    }
    // The core counts the wait as work in flight so that it does not drop the frame at shutdown
    // while the loader may still resume it.
    core_->external_started();
    slot_->waiters.push_back({core_, h, context_, this});
  }
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
      slot.cancelled.emplace(runtime_error(RuntimeErrc::cancelled, "wait for " + slot.path));
  }
  a->cancelled_ = true;
  a->core_->external_finished();
  a->core_->schedule(a->handle_, a->context_);
}

}  // namespace moonring
