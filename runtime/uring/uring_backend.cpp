// The io_uring backend: one ring per core (single issuer, deferred task running), operations
// as SQEs whose user_data is the IoOp, a provided-buffer ring for multishot receives, and an
// eventfd read that other threads use to wake the core.
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/backend.hpp"
#include "runtime/result.hpp"

namespace moonring {
namespace {

// user_data tags for the backend's own entries (IoOp pointers are 8-byte aligned).
constexpr uint64_t kIgnoredTag = 1;  // cancel requests: their own CQE carries nothing
constexpr uint64_t kWakeTag = 2;     // the eventfd read
constexpr unsigned kBufferGroup = 0;

class UringBackend final : public Backend {
 public:
  ~UringBackend() override {
    if (initialised_) {
      if (buf_ring_) io_uring_unregister_buf_ring(&ring_, kBufferGroup);
      io_uring_queue_exit(&ring_);
    }
    if (wake_fd_ >= 0) ::close(wake_fd_);
    std::free(buf_ring_);
    std::free(buffers_);
  }

  Result<void> init(const BackendOptions& options) {
    io_uring_params params{};
    // Each core's ring is only used by its own thread: let the kernel skip the locking and run
    // completion work only when we ask for events.
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
                   IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
    params.cq_entries = options.sq_entries * 4;
    int r = io_uring_queue_init_params(options.sq_entries, &ring_, &params);
    if (r == -EINVAL) {  // older kernel: plain ring
      params = io_uring_params{};
      params.flags = IORING_SETUP_CQSIZE;
      params.cq_entries = options.sq_entries * 4;
      r = io_uring_queue_init_params(options.sq_entries, &ring_, &params);
    }
    if (r < 0) return errno_error(-r, "io_uring_queue_init");
    initialised_ = true;

    // Blocking on purpose: io_uring answers a read of an O_NONBLOCK fd with -EAGAIN instead of
    // waiting for it.
    wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) return errno_error(errno, "eventfd");
    arm_wake();

    if (auto b = init_buffer_ring(options); !b) return b;
    return {};
  }

  BackendKind kind() const override { return BackendKind::io_uring; }
  bool wants_nonblocking() const override { return false; }
  void forget_fd(int) override {}
  std::size_t in_flight() const override { return in_flight_; }

  bool submit(IoOp& op) override {
    io_uring_sqe* sqe = get_sqe();
    if (!sqe) {  // the kernel refuses new work: the operation fails at once
      op.result = -submit_error_;
      return true;
    }
    prepare(sqe, op);
    io_uring_sqe_set_data(sqe, &op);
    op.in_flight = true;
    ++in_flight_;
    if (op.eager) io_uring_submit(&ring_);
    return false;
  }

  void cancel(IoOp& op) override {
    if (!op.in_flight) return;
    io_uring_sqe* sqe = get_sqe();
    if (!sqe) return;  // reported; the operation ends when the kernel completes it
    io_uring_prep_cancel(sqe, &op, 0);
    io_uring_sqe_set_data64(sqe, kIgnoredTag);
  }

  void wait(std::chrono::nanoseconds timeout) override {
    if (reaped_next_ < reaped_.size()) timeout = std::chrono::nanoseconds(0);  // some are ready
    int r;
    if (timeout.count() == 0) {
      r = io_uring_submit_and_get_events(&ring_);
    } else if (timeout.count() < 0) {
      r = io_uring_submit_and_wait(&ring_, 1);
    } else {
      __kernel_timespec ts;
      ts.tv_sec = timeout.count() / 1'000'000'000;
      ts.tv_nsec = timeout.count() % 1'000'000'000;
      io_uring_cqe* cqe = nullptr;
      r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    }
    // -ETIME and -EINTR mean nothing came yet; -EBUSY and -EAGAIN that the kernel wants its
    // completions taken first (dispatch does). Anything else is the ring failing: say so.
    if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN) report("wait", r);
    dispatch();
  }

  void wake() override {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    (void)n;  // cannot fail short of counter overflow, and then a wake-up is pending anyway
  }

  BufferPoolView buffer_pool() const override { return pool_; }
  void return_buffer(uint32_t id) override {
    io_uring_buf_ring_add(buf_ring_, pool_.data(id), pool_.buffer_size, static_cast<uint16_t>(id),
                          io_uring_buf_ring_mask(pool_.count), 0);
    io_uring_buf_ring_advance(buf_ring_, 1);
  }

 private:
  // A free submission entry, or nullptr when the kernel refuses new work (reported; the
  // errno is in submit_error_).
  io_uring_sqe* get_sqe() {
    for (int attempt = 0;; ++attempt) {
      if (io_uring_sqe* sqe = io_uring_get_sqe(&ring_)) return sqe;
      // The queue is full: hand it to the kernel. While the completion queue is full too, the
      // kernel may refuse (-EBUSY) or lack room (-EAGAIN): take completions off it (they are
      // dispatched later, in order) and try again.
      int r = io_uring_submit(&ring_);
      if (r > 0) continue;
      if (r == 0) r = -EAGAIN;  // nothing taken: the same as being refused
      if ((r == -EBUSY || r == -EAGAIN || r == -EINTR) && attempt < kSubmitAttempts) {
        reap();
        continue;
      }
      report("submit", r);
      submit_error_ = -r;
      return nullptr;
    }
  }

  // One line on stderr per failure that changes (a failing ring would fail on every turn).
  void report(const char* what, int r) {
    if (r == last_reported_) return;
    last_reported_ = r;
    std::fprintf(stderr, "moonring: io_uring %s: %s\n", what, std::strerror(-r));
  }

  void prepare(io_uring_sqe* sqe, IoOp& op) {
    const auto off = static_cast<uint64_t>(op.offset);  // -1: the file position
    switch (op.kind) {
      case OpKind::read:
        io_uring_prep_read(sqe, op.fd, op.buf, op.len, off);
        break;
      case OpKind::write:
        io_uring_prep_write(sqe, op.fd, op.buf, op.len, off);
        break;
      case OpKind::readv:
        io_uring_prep_readv(sqe, op.fd, op.iov, static_cast<unsigned>(op.iovcnt), off);
        break;
      case OpKind::writev:
        io_uring_prep_writev(sqe, op.fd, op.iov, static_cast<unsigned>(op.iovcnt), off);
        break;
      case OpKind::recv:
        io_uring_prep_recv(sqe, op.fd, op.buf, op.len, op.flags);
        break;
      case OpKind::send:
        io_uring_prep_send(sqe, op.fd, op.buf, op.len, op.flags);
        break;
      case OpKind::recvmsg:
        io_uring_prep_recvmsg(sqe, op.fd, op.msg, static_cast<unsigned>(op.flags));
        break;
      case OpKind::sendmsg:
        io_uring_prep_sendmsg(sqe, op.fd, op.msg, static_cast<unsigned>(op.flags));
        break;
      case OpKind::accept:
        io_uring_prep_accept(sqe, op.fd, op.addr, op.addrlen, op.flags);
        break;
      case OpKind::connect:
        io_uring_prep_connect(sqe, op.fd, op.addr, op.addr_len);
        break;
      case OpKind::shutdown:
        io_uring_prep_shutdown(sqe, op.fd, op.flags);
        break;
      case OpKind::openat:
        io_uring_prep_openat(sqe, op.fd, op.path, op.flags, static_cast<mode_t>(op.mode));
        break;
      case OpKind::close:
        io_uring_prep_close(sqe, op.fd);
        break;
      case OpKind::fsync:
        io_uring_prep_fsync(sqe, op.fd, op.flags ? IORING_FSYNC_DATASYNC : 0);
        break;
      case OpKind::statx:
        io_uring_prep_statx(sqe, op.fd, op.path, op.flags, op.len, op.statx_buf);
        break;
      case OpKind::poll:
        io_uring_prep_poll_add(sqe, op.fd, static_cast<unsigned>(op.flags));
        break;
      case OpKind::recv_multi:
        io_uring_prep_recv_multishot(sqe, op.fd, nullptr, 0, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = kBufferGroup;
        break;
    }
  }

  struct Completion {
    uint64_t user_data;
    int32_t res;
    uint32_t flags;
  };

  // Completions come off the ring one at a time, each before its handler runs: a handler may
  // submit, and a submission into a full queue may take the rest off the ring (into reaped_).
  void dispatch() {
    for (;;) {
      Completion c;
      if (reaped_next_ < reaped_.size()) {
        c = reaped_[reaped_next_++];
      } else {
        reaped_.clear();
        reaped_next_ = 0;
        io_uring_cqe* cqe = nullptr;
        if (io_uring_peek_cqe(&ring_, &cqe) != 0 || !cqe) return;
        c = {cqe->user_data, cqe->res, cqe->flags};
        io_uring_cqe_seen(&ring_, cqe);
      }
      handle(c);
    }
  }

  // Takes every completion off the ring, to be dispatched in order by dispatch().
  void reap() {
    io_uring_get_events(&ring_);  // runs deferred completion work, flushes an overflow
    io_uring_cqe* cqe;
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      reaped_.push_back({cqe->user_data, cqe->res, cqe->flags});
    }
    io_uring_cq_advance(&ring_, seen);
  }

  void handle(const Completion& c) {
    if (c.user_data == kIgnoredTag) return;
    if (c.user_data == kWakeTag) {
      arm_wake();
      return;
    }
    auto* op = reinterpret_cast<IoOp*>(c.user_data);
    op->result = c.res;
    op->more = (c.flags & IORING_CQE_F_MORE) != 0;
    op->buffer_id =
        (c.flags & IORING_CQE_F_BUFFER) ? (c.flags >> IORING_CQE_BUFFER_SHIFT) : UINT32_MAX;
    if (!op->more) {
      op->in_flight = false;
      --in_flight_;
    }
    op->on_complete(op);  // schedules the waiter; never frees the op before we are done
  }

  void arm_wake() {
    io_uring_sqe* sqe = get_sqe();
    if (!sqe) return;  // reported; other threads can no longer wake this core early
    io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof(wake_value_), 0);
    io_uring_sqe_set_data64(sqe, kWakeTag);
  }

  Result<void> init_buffer_ring(const BackendOptions& options) {
    uint32_t count = options.recv_buffer_count;
    if (count == 0 || (count & (count - 1)) != 0 || count > 32768)
      return Error{std::make_error_code(std::errc::invalid_argument),
                   "recv_buffer_count must be a power of two up to 32768"};
    std::size_t ring_bytes = sizeof(io_uring_buf) * count;
    long page = sysconf(_SC_PAGESIZE);
    void* mem = nullptr;
    if (posix_memalign(&mem, static_cast<std::size_t>(page), ring_bytes) != 0)
      return errno_error(ENOMEM, "allocate buffer ring");
    buf_ring_ = static_cast<io_uring_buf_ring*>(mem);
    void* data = nullptr;
    if (posix_memalign(&data, 64, std::size_t(count) * options.recv_buffer_size) != 0)
      return errno_error(ENOMEM, "allocate receive buffers");
    buffers_ = data;
    pool_ = BufferPoolView{static_cast<std::byte*>(data), options.recv_buffer_size, count};

    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<uint64_t>(buf_ring_);
    reg.ring_entries = count;
    reg.bgid = kBufferGroup;
    int r = io_uring_register_buf_ring(&ring_, &reg, 0);
    if (r < 0) {
      std::free(buf_ring_);
      buf_ring_ = nullptr;
      return errno_error(-r, "io_uring_register_buf_ring");
    }
    io_uring_buf_ring_init(buf_ring_);
    for (uint32_t id = 0; id < count; ++id)
      io_uring_buf_ring_add(buf_ring_, pool_.data(id), pool_.buffer_size, static_cast<uint16_t>(id),
                            io_uring_buf_ring_mask(count), static_cast<int>(id));
    io_uring_buf_ring_advance(buf_ring_, static_cast<int>(count));
    return {};
  }

  // Tries at handing a full submission queue to the kernel before an operation fails.
  static constexpr int kSubmitAttempts = 64;

  io_uring ring_{};
  bool initialised_ = false;
  std::vector<Completion> reaped_;  // taken off the ring while it was full, not yet dispatched
  std::size_t reaped_next_ = 0;
  int submit_error_ = 0;
  int last_reported_ = 0;
  int wake_fd_ = -1;
  uint64_t wake_value_ = 0;
  std::size_t in_flight_ = 0;
  io_uring_buf_ring* buf_ring_ = nullptr;
  void* buffers_ = nullptr;
  BufferPoolView pool_;
};

}  // namespace

Result<std::unique_ptr<Backend>> make_uring_backend(const BackendOptions& options) {
  auto backend = std::make_unique<UringBackend>();
  if (auto r = backend->init(options); !r) return r.take_error();
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace moonring
