// One armed multishot receive per connection: the kernel fills buffers from the core's pool as
// data arrives, and receive() hands them out in order. When the pool runs dry the receive falls
// back to a one-shot read into a buffer of its own, so a busy core never stalls a connection.
// A receiver belongs to the core that made it (debug builds check).
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "runtime/buffer_lease.hpp"
#include "runtime/cancel.hpp"
#include "runtime/core.hpp"
#include "runtime/result.hpp"

namespace moonring {

class MultishotReceiver {
 public:
  MultishotReceiver(Core* core, int fd, std::string name);
  MultishotReceiver(const MultishotReceiver&) = delete;
  MultishotReceiver& operator=(const MultishotReceiver&) = delete;

  class Awaiter;
  // Cancelled by the ambient token of the task that awaits it.
  Awaiter receive();
  // What has already arrived, without waiting (an empty lease when nothing has).
  BufferLease try_receive();

  // The owner is going away: stop receiving; the receiver frees itself once the kernel has
  // finished with it (at once if nothing is in flight).
  void orphan();

 private:
  struct Arrival {
    uint32_t buffer_id;  // UINT32_MAX: `own` holds the bytes
    uint32_t size;
    std::unique_ptr<std::byte[]> own;
  };

  ~MultishotReceiver() = default;
  bool has_news() const { return !arrivals_.empty() || eof_ || error_ != 0; }
  void arm();
  void start_fallback();
  void wake_waiter();
  void maybe_free();
  Result<BufferLease> take();
  static void on_multishot(IoOp* op);
  static void on_fallback(IoOp* op);

  Core* core_;
  int fd_;
  std::string name_;  // the owning stream's name, for errors
  IoOp multishot_;
  IoOp fallback_;
  std::unique_ptr<std::byte[]> fallback_buffer_;
  std::deque<Arrival> arrivals_;
  bool eof_ = false;
  int error_ = 0;  // errno of a failed receive, reported once arrivals are drained
  bool orphaned_ = false;
  std::coroutine_handle<> waiter_;
  TaskContext* waiter_context_ = nullptr;
};

class MultishotReceiver::Awaiter {
 public:
  // A null receiver: the stream is closed, and awaiting gives that error at once.
  explicit Awaiter(MultishotReceiver* r) : r_(r) {}
  bool await_ready() noexcept {
    if (!r_ || r_->has_news()) return true;
    token_ = r_->core_->token();  // the awaiting task's token, read when it awaits
    return token_.cancelled();
  }
  void await_suspend(std::coroutine_handle<> h) noexcept;
  Result<BufferLease> await_resume();

 private:
  static void on_cancel(void* self);
  MultishotReceiver* r_;
  CancellationToken token_;
  CancelRegistration registration_;
};

using MultishotReceiverAwaiter = MultishotReceiver::Awaiter;

}  // namespace moonring
