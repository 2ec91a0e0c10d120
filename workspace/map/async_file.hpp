// A handle to a file the loader brings in the background: Pending -> Loading -> Ready | Failed.
// wait() blocks any thread; get() is awaited from a runtime task and resumes on its core.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cancel.hpp"
#include "runtime/result.hpp"
#include "workspace/map/file_content.hpp"

namespace moonring {

class Core;
struct TaskContext;

enum class FileState : uint8_t { pending, loading, ready, failed };

// The state shared by the loader and the handles of one file.
struct FileSlot {
  FileSlot(std::string p, std::size_t hint) : path(std::move(p)), size_hint(hint) {}

  const std::string path;
  const std::size_t size_hint;  // SIZE_MAX: unknown
  std::atomic<FileState> state{FileState::pending};
  std::atomic<bool> claimed{false};  // a worker took it (it may sit in two queues once bumped)
  uint64_t sequence = 0;             // completion order across the loader, for tests and stats

  // A futex word for wait(): kAnswered once `result` is there, kSleepers while a thread sleeps
  // on it. One word per slot, no condition variable (whose destruction alone cost 0.6% of a load
  // pass) and no yield phase (std::atomic::wait's, which lets the consumer trail the workers).
  static constexpr uint32_t kAnswered = 1;
  static constexpr uint32_t kSleepers = 2;
  std::atomic<uint32_t> wake{0};

  std::mutex mutex;  // guards `result`'s writing, `waiters` and `cancelled`
  std::optional<Result<FileContent>> result;
  struct Waiter {
    Core* core;
    std::coroutine_handle<> handle;
    TaskContext* context;
    const void* awaiter;  // tells a cancelled get() its own entry
  };
  std::vector<Waiter> waiters;
  // What a get() whose task was cancelled while it waited sees ("wait for PATH: cancelled"):
  // made by the first such get(), never changed afterwards.
  std::optional<Result<FileContent>> cancelled;

  // From the worker: stores the result, wakes wait() and resumes get() on each awaiting core.
  void complete(Result<FileContent> r, uint64_t seq);
  bool done() const {
    auto s = state.load(std::memory_order_acquire);
    return s == FileState::ready || s == FileState::failed;
  }
};

class AsyncFile {
 public:
  AsyncFile() = default;
  explicit AsyncFile(std::shared_ptr<FileSlot> slot) : slot_(std::move(slot)) {}

  FileState state() const { return slot_->state.load(std::memory_order_acquire); }
  // True once there is an answer: Ready or Failed.
  bool is_ready() const { return slot_->done(); }
  const std::string& path() const { return slot_->path; }
  uint64_t completion_sequence() const { return slot_->sequence; }
  bool valid() const { return slot_ != nullptr; }

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
  std::shared_ptr<FileSlot> slot_;
};

}  // namespace moonring
