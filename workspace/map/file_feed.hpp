// A growing list of files in flight in the loader, filled by threads that find them (discovery
// walks) and drained by runtime tasks, so work on the first files starts while the walks go on.
// Each file is handed to exactly one task; a task that finds nothing to take waits for the next
// file or for the end.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "runtime/cancel.hpp"
#include "workspace/map/async_file.hpp"

namespace moonring {

class FileFeed {
 public:
  FileFeed() = default;
  FileFeed(const FileFeed&) = delete;
  FileFeed& operator=(const FileFeed&) = delete;

  // From any thread. Files are numbered in the order they are pushed, from 0, and carry the
  // pusher's `tag` (what kind of file it is, for whoever takes it). Pushing several at once wakes
  // the waiting tasks once for all of them: on a busy CPU each wake-up is a context switch.
  void push(AsyncFile file, std::uint8_t tag = 0);
  // Moves all of `files` in and leaves it empty.
  void push(std::vector<AsyncFile>& files, std::uint8_t tag = 0);
  // From any thread: no file follows, and waiting tasks get nullopt. Pushing after close is a bug.
  void close();

  // co_await feed.take() on a runtime core: the index of a file nobody has taken yet, or
  // nullopt once the feed is closed and every file is taken. The wait follows the task's ambient
  // token (runtime stop, with_timeout, when_any): cancelled, it gives nullopt at once (tell the
  // two apart with current_token().cancelled()) and takes no file.
  class TakeAwaiter {
   public:
    explicit TakeAwaiter(FileFeed* feed) : feed_(feed) {}
    bool await_ready() noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h);
    std::optional<std::size_t> await_resume() {
      registration_.reset();
      return index_;
    }

   private:
    static void cancel_requested(void* self);
    FileFeed* feed_;
    std::optional<std::size_t> index_;
    Core* core_ = nullptr;
    std::coroutine_handle<> handle_;
    TaskContext* context_ = nullptr;
    CancelRegistration registration_;
  };
  TakeAwaiter take() { return TakeAwaiter(this); }

  // The file at `index`, taken or not; the reference stays valid while the feed lives.
  AsyncFile& at(std::size_t index);
  std::uint8_t tag(std::size_t index) const;
  // Files pushed so far.
  std::size_t size() const;

 private:
  // A task waiting in take(): the hand-off writes `index` and then resumes it on its core.
  struct Parked {
    std::optional<std::size_t>* index;  // also tells a cancelled take() its own entry
    Core* core;
    std::coroutine_handle<> handle;
    TaskContext* context;
  };
  static void resume(const Parked& parked);

  mutable std::mutex mutex_;
  struct Entry {
    AsyncFile file;
    std::uint8_t tag;
  };
  std::deque<Entry> files_;
  std::size_t next_ = 0;  // the first file not yet taken
  bool closed_ = false;
  std::vector<Parked> parked_;
};

}  // namespace moonring
