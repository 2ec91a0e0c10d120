// The Asio backend, for kernels without a usable io_uring: one io_context (epoll) per core. Every
// operation is tried at once and waits for readiness only when the kernel says it would block;
// calls that can block without readiness to wait for (open, sync, stat, regular-file reads and
// writes) run on the blocking pool (pool_calls.hpp); multishot receives are emulated over a pool of
// buffers that the backend owns.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

// GCC 12 reports -Wnull-dereference inside Asio's scheduler once it is inlined here (the
// system-header exemption does not survive inlining); the warning's location is in these
// headers, so silencing it around them leaves it on for this file's own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/error.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/asio/attempt.hpp"
#include "runtime/asio/fd_state.hpp"
#include "runtime/asio/pool_calls.hpp"
#include "runtime/backend.hpp"
#include "runtime/core.hpp"
#include "runtime/result.hpp"

namespace moonring {
namespace {

using namespace asio_attempt;

constexpr uint32_t kNoBuffer = UINT32_MAX;

int negative_errno(const std::error_code& ec) {
  return ec.category() == std::system_category() && ec.value() > 0 ? -ec.value() : -EIO;
}

class AsioBackend final : public Backend {
 public:
  AsioBackend()
      : io_(1),
        guard_(asio::make_work_guard(io_)),
        pool_calls_(io_, [this](IoOp& op, int32_t result) { defer(op, result); }) {}

  ~AsioBackend() override {
    // Never close what we were lent: a stream_descriptor closes its fd unless released.
    for (auto& entry : fds_)
      if (entry.second->descriptor) entry.second->descriptor->release();
    fds_.clear();
    side_.reset();  // the private epoll set is ours: its descriptor closes it
    guard_.reset();
    std::free(buffers_);
  }

  Result<void> init(const BackendOptions& options) {
    // Same limits as io_uring's provided buffers, so a configuration works on both backends.
    uint32_t count = options.recv_buffer_count;
    if (count == 0 || (count & (count - 1)) != 0 || count > 32768)
      return Error{std::make_error_code(std::errc::invalid_argument),
                   "recv_buffer_count must be a power of two up to 32768"};
    void* data = nullptr;
    if (posix_memalign(&data, 64, std::size_t(count) * options.recv_buffer_size) != 0)
      return errno_error(ENOMEM, "allocate receive buffers");
    buffers_ = data;
    pool_ = BufferPoolView{static_cast<std::byte*>(data), options.recv_buffer_size, count};
    free_buffers_.reserve(count);
    for (uint32_t id = count; id-- > 0;) free_buffers_.push_back(id);  // low ids go out first
    return {};
  }

  BackendKind kind() const override { return BackendKind::asio; }
  bool wants_nonblocking() const override { return true; }
  std::size_t in_flight() const override { return in_flight_; }
  BufferPoolView buffer_pool() const override { return pool_; }
  void return_buffer(uint32_t id) override {
    if (id < pool_.count) free_buffers_.push_back(id);
  }

  bool submit(IoOp& op) override {
    op.more = false;
    op.buffer_id = kNoBuffer;
    try {
      return start(op);
    } catch (const std::exception&) {
      // Out of memory while setting up the wait: an op already counted still completes (or
      // is cancelled) through its queue; any other fails at once.
      if (op.in_flight) return false;
      return complete_at_once(op, -ENOMEM);
    }
  }

  void cancel(IoOp& op) override {
    if (!op.in_flight) return;
    if (pool_calls_.cancel(op)) return;
    FdState* s = find(op.fd);
    // Not queued: its completion is already on its way. A wait left armed for it stays armed;
    // its handler finds nobody to serve, and at most one wait per direction is ever pending.
    if (!s || !unqueue(*s, &op)) return;
    defer(op, -ECANCELED);
  }

  void wait(std::chrono::nanoseconds timeout) override {
    if (!deferred_.empty()) timeout = std::chrono::nanoseconds(0);
    try {
      if (io_.stopped()) io_.restart();
      if (timeout.count() == 0) {
        io_.poll();
      } else {
        if (timeout.count() < 0) {
          io_.run_one();
        } else {
          io_.run_one_for(timeout);
        }
        io_.poll();  // whatever else became ready meanwhile
      }
    } catch (const std::exception&) {
      // Only a failed allocation inside a handler gets here; the loop simply goes on.
    }
    drain_deferred();
  }

  void wake() override {
    try {
      asio::post(io_, [] {});  // thread-safe, and interrupts a sleeping run_one
    } catch (const std::exception&) {
      // Out of memory: the core wakes at its next timer or completion instead.
    }
  }

  void forget_fd(int fd) override {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return;
    std::unique_ptr<FdState> s = std::move(it->second);
    fds_.erase(it);
    // The owner closes the fd next, so nothing should be waiting; if something is, it ends as
    // if cancelled rather than waiting on a descriptor that is gone.
    for (IoOp* op : s->waiters[kRead]) defer(*op, -ECANCELED);
    for (IoOp* op : s->waiters[kWrite]) {
      auto& reads = s->waiters[kRead];
      if (std::find(reads.begin(), reads.end(), op) == reads.end()) defer(*op, -ECANCELED);
    }
    // Waits still pending end with operation_aborted; their handlers no longer find the state.
    if (s->descriptor) s->descriptor->release();
    if (s->mode == FdMode::blocking) {
      ::epoll_ctl(side_fd_, EPOLL_CTL_DEL, fd, nullptr);
      --side_users_;
    }
  }

 private:
  struct Deferred {
    IoOp* op;
    int32_t result;
  };
  struct Delivery {
    IoOp* op;
    bool final;
  };

  // submit() proper; may throw std::bad_alloc.
  bool start(IoOp& op) {
    switch (op.kind) {
      case OpKind::shutdown:
      case OpKind::close:
        return complete_at_once(op, run_at_once(op));
      case OpKind::openat:  // a FIFO's open waits for its writer
      case OpKind::fsync:   // a slow disk
      case OpKind::statx:   // a slow file system
        return to_pool(op);
      default:
        break;
    }

    FdState* s = find(op.fd);
    bool file = false;
    if (!s) {
      if (int err = probe(op.fd, s, file); err < 0) {
        if (op.kind != OpKind::recv_multi) return complete_at_once(op, err);
        defer(op, err);
        return false;
      }
    }
    const unsigned dirs = directions(op);

    if (op.kind == OpKind::recv_multi) {
      if (file) {
        defer(op, -ENOTSOCK);  // only sockets receive, and epoll takes every socket
        return false;
      }
      if (!s) s = &add_state(op.fd, ++next_gen_, FdMode::nonblocking, false);
      wait_for(op, *s, dirs);  // completions come from wait(), even the first
      return false;
    }

    // A regular file never waits for readiness, but its reads and writes can still wait for the
    // disk: those go to the pool.
    if (file && (op.kind == OpKind::read || op.kind == OpKind::write || op.kind == OpKind::readv ||
                 op.kind == OpKind::writev))
      return to_pool(op);
    const Access access = file ? Access::direct : s ? access_of(*s) : Access::nonblocking;
    if (op.kind == OpKind::connect) {
      if (access != Access::nonblocking) {
        // A blocking socket we were lent can only connect by blocking; the runtime creates
        // its own sockets non-blocking, so this is a corner we accept.
        int r;
        do r = ::connect(op.fd, op.addr, op.addr_len);
        while (r < 0 && errno == EINTR);
        return complete_at_once(op, r < 0 ? -errno : 0);
      }
      int32_t r = start_connect(op);
      if (r != kConnecting && r != kWouldBlock) return complete_at_once(op, r);
      if (!s) s = &add_state(op.fd, ++next_gen_, FdMode::nonblocking, false);
      s->connecting = r == kConnecting;
      wait_for(op, *s, dirs);
      return false;
    }

    // Behind operations already waiting in the same direction, so a stream's bytes keep their
    // order (a poll consumes nothing and may go first).
    const Direction first = (dirs & kReadBit) ? kRead : kWrite;
    if (s && op.kind != OpKind::poll && !s->waiters[first].empty()) {
      wait_for(op, *s, dirs);
      return false;
    }
    int32_t r = perform(op, access);
    if (r != kWouldBlock) return complete_at_once(op, r);
    if (!s) s = &add_state(op.fd, ++next_gen_, FdMode::nonblocking, false);
    wait_for(op, *s, dirs);
    return false;
  }

  bool complete_at_once(IoOp& op, int32_t result) {
    // MultishotReceiver submits its fallback recv without looking at submit()'s answer, so a
    // recv always completes through on_complete, as on io_uring.
    if (op.kind == OpKind::recv) {
      defer(op, result);
      return false;
    }
    op.result = result;
    op.in_flight = false;
    return true;
  }

  // The op completes from the next wait() with `result`; it is in flight until then.
  void defer(IoOp& op, int32_t result) {
    if (!op.in_flight) {
      op.in_flight = true;
      ++in_flight_;
    }
    deferred_.push_back({&op, result});
  }

  void drain_deferred() {
    while (!deferred_.empty()) {
      std::vector<Deferred> batch = std::move(spare_deferred_);
      batch.clear();
      batch.swap(deferred_);
      for (const Deferred& d : batch) {
        IoOp* op = d.op;
        op->result = d.result;
        op->buffer_id = kNoBuffer;
        op->more = false;
        op->in_flight = false;
        --in_flight_;
        op->on_complete(op);  // may cancel or submit: those land in deferred_, run next round
      }
      batch.clear();
      spare_deferred_ = std::move(batch);
    }
  }

  // Socket shutdown and close: quick, so done right here on the core.
  int32_t run_at_once(IoOp& op) {
    int r = 0;
    switch (op.kind) {
      case OpKind::shutdown:
        r = ::shutdown(op.fd, op.flags);
        break;
      case OpKind::close:
        forget_fd(op.fd);
        r = ::close(op.fd);
        if (r < 0 && errno == EINTR) r = 0;  // Linux has released the descriptor even then
        break;
      default:
        return -EINVAL;
    }
    return r < 0 ? -errno : r;
  }

  // ---- Calls made on the blocking pool --------------------------------------------------------

  bool to_pool(IoOp& op) {
    Core* core = Core::current();
    if (core == nullptr || &core->backend() != this)  // not on our core: no pool to reach
      return complete_at_once(op, perform_blocking(op));
    pool_calls_.start(op);
    op.in_flight = true;
    ++in_flight_;
    return false;
  }

  // For an fd without state: -errno if it is not open. A non-blocking fd needs nothing yet (it
  // gets state when it first has to wait). A blocking one is offered to the private epoll set:
  // accepted, it gets state now; refused (a regular file, /dev/null), it is a `file`, whose
  // calls never wait. Asking epoll is the only sure test: eventfd and signalfd have no file
  // type in st_mode.
  int probe(int fd, FdState*& s, bool& file) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return -errno;
    if (flags & O_NONBLOCK) return 0;
    if (int err = ensure_side(); err < 0) return err;
    const uint32_t gen = next_gen_ + 1;
    epoll_event ev{};
    ev.events = EPOLLONESHOT;  // registered but quiet (even a hang-up reports once only)
    ev.data.u64 = side_key(fd, gen);
    if (::epoll_ctl(side_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      const int err = errno;
      if (err == EPERM) {
        file = true;
        return 0;
      }
      // EEXIST: a registration left by an fd closed without forget_fd while a duplicate kept
      // its file open. Take it over.
      if (err != EEXIST || ::epoll_ctl(side_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return -errno;
    }
    struct stat st {};
    const bool socket = ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    next_gen_ = gen;
    s = &add_state(fd, gen, FdMode::blocking, socket);
    ++side_users_;
    return 0;
  }

  FdState& add_state(int fd, uint32_t gen, FdMode mode, bool socket) {
    auto state = std::make_unique<FdState>();
    state->fd = fd;
    state->gen = gen;
    state->mode = mode;
    state->socket = socket;
    FdState& ref = *state;
    fds_[fd] = std::move(state);
    return ref;
  }

  FdState* find(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : it->second.get();
  }
  FdState* find(int fd, uint32_t gen) {
    FdState* s = find(fd);
    return s && s->gen == gen ? s : nullptr;
  }

  static Access access_of(const FdState& s) {
    if (s.mode == FdMode::blocking)
      return s.socket ? Access::blocking_socket : Access::blocking_other;
    return s.always_ready ? Access::direct : Access::nonblocking;
  }

  int32_t continue_connect(IoOp& op, FdState& s) {
    if (!s.connecting) {
      int32_t r = start_connect(op);
      if (r == kConnecting) s.connecting = true;
      return r == kConnecting ? kWouldBlock : r;
    }
    if (!ready_now(op.fd, POLLOUT)) return kWouldBlock;
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(op.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
    return -err;  // 0: connected
  }

  // One receive for a multishot op into a pool buffer: > 0 with op.buffer_id and op.more set,
  // 0 at the end of the stream, -errno, or kWouldBlock.
  int32_t receive_into_pool(IoOp& op) {
    if (free_buffers_.empty()) {
      // io_uring fails the receive only when data arrives with no buffer to put it in.
      char probe_byte;
      if (::recv(op.fd, &probe_byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
          (errno == EAGAIN || errno == EWOULDBLOCK))
        return kWouldBlock;
      return -ENOBUFS;
    }
    const uint32_t id = free_buffers_.back();
    ssize_t n;
    do n = ::recv(op.fd, pool_.data(id), pool_.buffer_size, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
      free_buffers_.pop_back();
      op.buffer_id = id;
      op.more = true;
      return static_cast<int32_t>(n);
    }
    if (n == 0) return 0;
    const int err = errno;
    return err == EAGAIN || err == EWOULDBLOCK ? kWouldBlock : -err;
  }

  // Queue `op` on `s` for the directions in `dirs` and make sure readiness is being watched.
  void wait_for(IoOp& op, FdState& s, unsigned dirs) {
    op.in_flight = true;
    ++in_flight_;
    for (int d : {kRead, kWrite})
      if (dirs & (1u << d)) s.waiters[d].push_back(&op);
    for (int d : {kRead, kWrite})
      if ((dirs & (1u << d)) && !s.armed[d] && !s.waiters[d].empty()) arm(s, d);
  }

  // Removes `op` from the queues of `s`; false if it was in none.
  static bool unqueue(FdState& s, IoOp* op) {
    bool found = false;
    for (auto& q : s.waiters) {
      auto it = std::find(q.begin(), q.end(), op);
      if (it != q.end()) {
        q.erase(it);
        found = true;
      }
    }
    if (found && op->kind == OpKind::connect) s.connecting = false;
    return found;
  }

  // Every op waiting in direction `d` ends with `result` (from the next dispatch).
  void fail_waiters(FdState& s, int d, int32_t result) {
    std::vector<IoOp*> ops = std::move(s.waiters[d]);
    s.waiters[d].clear();
    for (IoOp* op : ops) {
      unqueue(s, op);  // a poll for both directions
      if (op->kind == OpKind::connect) s.connecting = false;
      defer(*op, result);
    }
  }

  void arm(FdState& s, int d) {
    try {
      if (s.mode == FdMode::blocking) {
        arm_side(s);
        return;
      }
      if (s.always_ready) {
        post_retry(s);
        return;
      }
      if (!s.descriptor) {
        asio::error_code ec;
        s.descriptor.emplace(io_);
        s.descriptor->assign(s.fd, ec);
        if (ec) {
          s.descriptor.reset();
          fail_waiters(s, d, negative_errno(ec));
          return;
        }
      }
      s.armed[d] = true;
      s.descriptor->async_wait(d == kRead ? asio::posix::stream_descriptor::wait_read
                                          : asio::posix::stream_descriptor::wait_write,
                               [this, key_fd = s.fd, gen = s.gen, d](const asio::error_code& ec) {
                                 on_descriptor_ready(key_fd, gen, d, ec);
                               });
    } catch (const std::system_error& e) {
      s.armed[d] = false;
      fail_waiters(s, d, negative_errno(e.code()));
    } catch (const std::bad_alloc&) {
      s.armed[d] = false;
      fail_waiters(s, d, -ENOMEM);
    }
  }

  void on_descriptor_ready(int fd, uint32_t gen, int d, const asio::error_code& ec) {
    FdState* s = find(fd, gen);
    if (!s) return;  // forgotten meanwhile (its waits end with operation_aborted)
    s->armed[d] = false;
    if (ec == asio::error::operation_not_supported) {
      // Asio accepts fds that epoll refuses and fails their waits instead; such files never
      // make a call wait, so just make the calls.
      s->always_ready = true;
    } else if (ec == asio::error::operation_aborted) {
      if (!s->waiters[d].empty()) arm(*s, d);
      return;
    } else if (ec) {
      fail_waiters(*s, d, negative_errno(ec));
      return;
    }
    process(fd, gen, d);
  }

  // For an fd epoll refuses: serve its waiters from the next dispatch.
  void post_retry(FdState& s) {
    if (s.armed[kRead] && s.armed[kWrite]) return;
    s.armed[kRead] = s.armed[kWrite] = true;
    asio::post(io_, [this, key_fd = s.fd, gen = s.gen] {
      FdState* st = find(key_fd, gen);
      if (!st) return;
      st->armed[kRead] = st->armed[kWrite] = false;
      process(key_fd, gen, kRead);
      process(key_fd, gen, kWrite);
    });
  }

  // Readiness in direction `d`: every op waiting there gets one attempt, in order; those that
  // still would block keep their place. Completions are delivered after the queues are
  // consistent again, since on_complete may cancel, submit or forget the fd.
  void process(int fd, uint32_t gen, int d) {
    FdState* s = find(fd, gen);
    if (!s) return;
    s->armed[d] = false;
    std::vector<Delivery> batch = std::move(spare_batch_);
    batch.clear();
    auto& q = s->waiters[d];
    for (std::size_t i = 0; i < q.size();) {
      IoOp* op = q[i];
      int32_t r = op->kind == OpKind::connect      ? continue_connect(*op, *s)
                  : op->kind == OpKind::recv_multi ? receive_into_pool(*op)
                                                   : perform(*op, access_of(*s));
      if (r == kWouldBlock) {
        if (!s->always_ready) {
          ++i;
          continue;
        }
        r = -EAGAIN;  // nothing to wait for: say so rather than spin
      }
      op->result = r;
      if (op->kind == OpKind::recv_multi && r > 0) {
        batch.push_back({op, false});  // keeps its place and receives again at the next readiness
        ++i;
        continue;
      }
      q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
      auto& other = s->waiters[1 - d];
      if (auto it = std::find(other.begin(), other.end(), op); it != other.end()) other.erase(it);
      if (op->kind == OpKind::connect) s->connecting = false;
      op->buffer_id = kNoBuffer;
      op->more = false;
      batch.push_back({op, true});
    }
    if (!q.empty() && !s->armed[d]) arm(*s, d);
    for (const Delivery& c : batch) {
      IoOp* op = c.op;
      if (c.final) {
        op->in_flight = false;
        --in_flight_;
      }
      op->on_complete(op);
    }
    batch.clear();
    spare_batch_ = std::move(batch);
  }

  // ---- The private epoll set for blocking descriptors ------------------------------------------

  int ensure_side() {
    if (side_) return 0;
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) return -errno;
    asio::error_code ec;
    try {
      side_.emplace(io_);
      side_->assign(fd, ec);  // our own fd: Asio may make it non-blocking and close it
    } catch (const std::system_error& e) {
      ec = e.code();
    }
    if (ec) {
      side_.reset();
      ::close(fd);
      return negative_errno(ec);
    }
    side_fd_ = fd;
    return 0;
  }

  // One-shot registrations: an fd reports once, then stays quiet until armed again with what
  // its queues want.
  void arm_side(FdState& s) {
    epoll_event ev{};
    ev.events = EPOLLONESHOT;
    if (!s.waiters[kRead].empty()) ev.events |= EPOLLIN;
    if (!s.waiters[kWrite].empty()) ev.events |= EPOLLOUT;
    ev.data.u64 = side_key(s.fd, s.gen);
    if (::epoll_ctl(side_fd_, EPOLL_CTL_MOD, s.fd, &ev) != 0) {
      const int32_t err = -errno;
      fail_waiters(s, kRead, err);
      fail_waiters(s, kWrite, err);
      return;
    }
    s.armed[kRead] = !s.waiters[kRead].empty();
    s.armed[kWrite] = !s.waiters[kWrite].empty();
    watch_side();
  }

  void watch_side() {
    if (side_armed_) return;
    side_armed_ = true;
    side_->async_wait(asio::posix::stream_descriptor::wait_read,
                      [this](const asio::error_code& ec) { on_side_ready(ec); });
  }

  void on_side_ready(const asio::error_code& ec) {
    side_armed_ = false;
    if (ec == asio::error::operation_aborted) return;  // the backend is going away
    epoll_event events[64];
    const int n = ::epoll_wait(side_fd_, events, 64, 0);
    for (int i = 0; i < n; ++i) {
      const int fd = static_cast<int>(static_cast<uint32_t>(events[i].data.u64));
      const auto gen = static_cast<uint32_t>(events[i].data.u64 >> 32);
      FdState* s = find(fd, gen);
      if (!s) continue;
      s->armed[kRead] = s->armed[kWrite] = false;  // one-shot: nothing armed until the next MOD
      const uint32_t e = events[i].events;
      if (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) process(fd, gen, kRead);
      if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) process(fd, gen, kWrite);
      s = find(fd, gen);
      if (s && !s->armed[kRead] && !s->armed[kWrite] &&
          (!s->waiters[kRead].empty() || !s->waiters[kWrite].empty()))
        arm_side(*s);
    }
    // Other fds may still be armed in the set (and more events pending if the array was full).
    if (side_users_ > 0) watch_side();
  }

  // Declared first: destroyed last, after every descriptor that uses its services.
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::unordered_map<int, std::unique_ptr<FdState>> fds_;
  uint32_t next_gen_ = 0;
  std::optional<asio::posix::stream_descriptor> side_;
  int side_fd_ = -1;
  bool side_armed_ = false;
  std::size_t side_users_ = 0;  // blocking fds registered in the side set
  std::vector<Deferred> deferred_;
  std::vector<Deferred> spare_deferred_;
  std::vector<Delivery> spare_batch_;
  std::size_t in_flight_ = 0;
  PoolCalls pool_calls_;  // after io_, which it posts to
  void* buffers_ = nullptr;
  BufferPoolView pool_;
  std::vector<uint32_t> free_buffers_;
};

}  // namespace

Result<std::unique_ptr<Backend>> make_asio_backend(const BackendOptions& options) {
  try {
    auto backend = std::make_unique<AsioBackend>();
    if (auto r = backend->init(options); !r) return r.take_error();
    return std::unique_ptr<Backend>(std::move(backend));
  } catch (const std::system_error& e) {
    return Error{e.code(), "asio io_context"};
  } catch (const std::bad_alloc&) {
    return errno_error(ENOMEM, "asio backend");
  }
}

}  // namespace moonring
