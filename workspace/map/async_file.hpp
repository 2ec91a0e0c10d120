// A handle to a file the loader brings in the background: Pending -> Loading -> Ready | Failed.
// wait() blocks any thread; get() is awaited from a runtime task and resumes on its core.
#pragma once

#include <coroutine>
#include <string>

#include "runtime/cancel.hpp"
#include "workspace/map/file_slot.hpp"

namespace moonring {

class AsyncFile {
 public:
  AsyncFile() = default;
  explicit AsyncFile(SlotRef slot) : slot_(std::move(slot)) {}

  FileState state() const { return slot_->state.load(std::memory_order_acquire); }
  // True once there is an answer: Ready or Failed.
  bool is_ready() const { return slot_->done(); }
  const std::string& path() const { return slot_->path; }
  uint64_t completion_sequence() const { return slot_->sequence; }
  bool valid() const { return static_cast<bool>(slot_); }

  // Blocks the calling thread (never a core's) until the answer is there. The reference lives
  // as long as this handle.
  const Result<FileContent>& wait() const;

  // co_await file.get(): the same answer without blocking the core. The wait follows the task's
  // ambient token (runtime stop, with_timeout, when_any): cancelled, it gives a cancellation
  // error (is_cancelled()) at once, and the file is still loaded for whoever asks next.
  class GetAwaiter {
   public:
    explicit GetAwaiter(FileSlot* slot) : slot_(slot) {}
    bool await_ready() const noexcept { return slot_->done(); }
    bool await_suspend(std::coroutine_handle<> h);
    const Result<FileContent>& await_resume();

   private:
    static void cancel_requested(void* self);
    FileSlot* slot_;
    Core* core_ = nullptr;
    std::coroutine_handle<> handle_;
    TaskContext* context_ = nullptr;
    CancelRegistration registration_;
    bool cancelled_ = false;
  };
  GetAwaiter get() const { return GetAwaiter(slot_.get()); }

  // Gives the content (and its share of the memory budget) back now rather than at scope end.
  void release() { slot_.reset(); }

 private:
  SlotRef slot_;
};

}  // namespace moonring
