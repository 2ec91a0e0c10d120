// The multishot receive behind TcpStream::receive() (see multishot_receiver.hpp).
#include "runtime/net/multishot_receiver.hpp"

#include <cerrno>

#include "runtime/affinity.hpp"

namespace moonring {

MultishotReceiver::MultishotReceiver(Core* core, int fd, std::string name)
    : core_(core), fd_(fd), name_(std::move(name)) {
  multishot_.kind = OpKind::recv_multi;
  multishot_.fd = fd;
  multishot_.on_complete = &MultishotReceiver::on_multishot;
  multishot_.user = this;
  fallback_.kind = OpKind::recv;
  fallback_.fd = fd;
  fallback_.on_complete = &MultishotReceiver::on_fallback;
  fallback_.user = this;
}

MultishotReceiver::Awaiter MultishotReceiver::receive() {
  MOONRING_ASSERT_ON_CORE(core_);
  return Awaiter(this);
}

void MultishotReceiver::arm() {
  if (multishot_.in_flight || fallback_.in_flight || eof_ || error_) return;
  if (core_->backend().submit(multishot_)) on_multishot(&multishot_);  // done at once
}

void MultishotReceiver::start_fallback() {
  uint32_t size = core_->backend().buffer_pool().buffer_size;
  if (size == 0) size = 16 * 1024;
  fallback_buffer_ = std::make_unique<std::byte[]>(size);
  fallback_.buf = fallback_buffer_.get();
  fallback_.len = size;
  if (core_->backend().submit(fallback_)) on_fallback(&fallback_);  // done at once
}

void MultishotReceiver::wake_waiter() {
  if (waiter_) core_->schedule(std::exchange(waiter_, nullptr), waiter_context_);
}

void MultishotReceiver::maybe_free() {
  if (orphaned_ && !multishot_.in_flight && !fallback_.in_flight) {
    for (Arrival& a : arrivals_)
      if (a.buffer_id != UINT32_MAX) core_->backend().return_buffer(a.buffer_id);
    delete this;
  }
}

void MultishotReceiver::on_multishot(IoOp* op) {
  auto* self = static_cast<MultishotReceiver*>(op->user);
  int res = op->result;
  if (res > 0) {
    self->arrivals_.push_back({op->buffer_id, static_cast<uint32_t>(res), nullptr});
  } else if (op->buffer_id != UINT32_MAX) {
    self->core_->backend().return_buffer(op->buffer_id);  // a buffer picked but not filled
  }
  if (self->orphaned_) return self->maybe_free();
  if (res == 0) {
    self->eof_ = true;
  } else if (res == -ENOBUFS) {
    // Every pool buffer is out on loan: read this connection's next bytes into its own.
    if (!op->in_flight) self->start_fallback();
  } else if (res < 0 && res != -ECANCELED) {
    self->error_ = -res;
  }
  if (self->has_news())
    self->wake_waiter();
  else if (!op->in_flight && self->waiter_)
    self->arm();  // ended (cancelled) while a new waiter came: it was issued after the cancel
}

void MultishotReceiver::on_fallback(IoOp* op) {
  auto* self = static_cast<MultishotReceiver*>(op->user);
  int res = op->result;
  if (res > 0)
    self->arrivals_.push_back(
        {UINT32_MAX, static_cast<uint32_t>(res), std::move(self->fallback_buffer_)});
  self->fallback_buffer_.reset();
  if (self->orphaned_) return self->maybe_free();
  if (res == 0)
    self->eof_ = true;
  else if (res < 0 && res != -ECANCELED)
    self->error_ = -res;
  if (self->has_news())
    self->wake_waiter();
  else if (self->waiter_)
    self->arm();  // cancelled under a waiter that is still there
}

void MultishotReceiver::orphan() {
  MOONRING_ASSERT_ON_CORE(core_);
  orphaned_ = true;
  waiter_ = nullptr;
  if (multishot_.in_flight) core_->backend().cancel(multishot_);
  if (fallback_.in_flight) core_->backend().cancel(fallback_);
  maybe_free();
}

BufferLease MultishotReceiver::try_receive() {
  MOONRING_ASSERT_ON_CORE(core_);
  if (arrivals_.empty()) return BufferLease{};
  auto r = take();
  return std::move(r).value();
}

Result<BufferLease> MultishotReceiver::take() {
  if (!arrivals_.empty()) {
    Arrival a = std::move(arrivals_.front());
    arrivals_.pop_front();
    if (a.buffer_id == UINT32_MAX) return BufferLease(std::move(a.own), a.size);
    return BufferLease(&core_->backend(), a.buffer_id, a.size);
  }
  if (error_) return errno_error(error_, "receive " + name_);
  return BufferLease{};  // end of stream
}

void MultishotReceiver::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  MOONRING_ASSERT_ON_CORE(r_->core_);
  r_->waiter_ = h;
  r_->waiter_context_ = r_->core_->context();
  r_->arm();
  if (token_.can_be_cancelled()) registration_.attach(token_, &Awaiter::on_cancel, this);
}

void MultishotReceiver::Awaiter::on_cancel(void* p) {
  auto* self = static_cast<Awaiter*>(p);
  MultishotReceiver* r = self->r_;
  // End the armed receive too, so nothing is left in flight for a cancelled reader (shutdown
  // waits for that); what already arrived stays queued and the next receive() re-arms.
  if (r->multishot_.in_flight) r->core_->backend().cancel(r->multishot_);
  if (r->fallback_.in_flight) r->core_->backend().cancel(r->fallback_);
  r->wake_waiter();
}

Result<BufferLease> MultishotReceiver::Awaiter::await_resume() {
  if (!r_) return errno_error(EBADF, "receive on a closed stream");
  MOONRING_ASSERT_ON_CORE(r_->core_);
  registration_.reset();
  if (r_->has_news()) return r_->take();
  return runtime_error(RuntimeErrc::cancelled, "receive " + r_->name_);
}

}  // namespace moonring
