// Minimal raw-liburing echo server: the upper bound any runtime on io_uring can reach on this
// bench.
//
// Per thread: one ring (SINGLE_ISSUER | DEFER_TASKRUN), one SO_REUSEPORT listener with a
// multishot accept into the fixed file table, one multishot receive per connection fed by a
// provided-buffer ring, and at most one send in flight per connection carrying every reply
// produced since the previous send.
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <latch>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/echo/echo_reply.hpp"
#include "bench/echo/listen_socket.hpp"
#include "bench/echo/server_lifecycle.hpp"
#include "bench/echo/server_options.hpp"

namespace {

using moonring::bench::EchoMode;

constexpr unsigned kSubmissionEntries = 1024;
constexpr unsigned kCompletionEntries = 16384;
// Fixed file table size: the connection limit per thread.
constexpr unsigned kMaxConnections = 16384;
// Provided buffers are returned right after their completion is handled, so a modest ring
// suffices; running dry only costs a re-armed receive (-ENOBUFS).
constexpr unsigned kBufferCount = 1024;  // power of two, as the buffer ring requires
// As large as Asio's read buffer, so a deep pipeline's burst arrives in one completion instead of
// being split (and its partial frame copied) across several.
constexpr unsigned kBufferSize = 16 * 1024;
constexpr unsigned short kBufferGroup = 0;

enum class Op : std::uint8_t { kAccept, kRecv, kSend, kClose, kCancel, kStop };

std::uint64_t tag(Op op, std::uint32_t slot = 0) {
  return (std::uint64_t{slot} << 8) | static_cast<std::uint8_t>(op);
}
Op tag_op(std::uint64_t tag) {
  return static_cast<Op>(tag & 0xff);
}
std::uint32_t tag_slot(std::uint64_t tag) {
  return static_cast<std::uint32_t>(tag >> 8);
}

[[noreturn]] void fail(const char* what, int error) {
  std::fprintf(stderr, "raw_uring_echo_server: %s: %s\n", what, std::strerror(error));
  std::exit(1);
}

struct Connection {
  bool open = false;
  bool recv_armed = false;
  bool sending = false;
  bool closing = false;
  bool cancel_sent = false;
  bool flush_queued = false;
  std::string in;   // a partial request carried over to the next receive
  std::string out;  // replies owned by the in-flight send
  std::size_t out_sent = 0;
  std::string pending;  // replies produced while a send is in flight
};

class Worker {
 public:
  Worker(EchoMode mode, int listen_fd, int stop_fd)
      : mode_(mode), listen_fd_(listen_fd), stop_fd_(stop_fd), connections_(kMaxConnections) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  ~Worker() {
    if (ring_ready_) io_uring_queue_exit(&ring_);
    if (buffer_ring_ != nullptr) ::munmap(buffer_ring_, buffer_ring_bytes());
    std::free(buffers_);
  }

  // Runs on the worker thread itself: SINGLE_ISSUER ties the ring to the thread that creates it.
  void setup() {
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
                   IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
    params.cq_entries = kCompletionEntries;
    if (int r = io_uring_queue_init_params(kSubmissionEntries, &ring_, &params); r < 0) {
      fail("io_uring_queue_init_params", -r);
    }
    ring_ready_ = true;
    // Saves the ring fd lookup on every io_uring_enter.
    io_uring_register_ring_fd(&ring_);
    if (int r = io_uring_register_files_sparse(&ring_, kMaxConnections); r < 0) {
      fail("io_uring_register_files_sparse", -r);
    }
    setup_buffer_ring();

    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_multishot_accept_direct(sqe, listen_fd_, nullptr, nullptr, 0);
    io_uring_sqe_set_data64(sqe, tag(Op::kAccept));
    sqe = get_sqe();
    io_uring_prep_poll_add(sqe, stop_fd_, POLLIN);
    io_uring_sqe_set_data64(sqe, tag(Op::kStop));
    io_uring_submit(&ring_);
  }

  void run() {
    while (running_) {
      const int r = io_uring_submit_and_wait(&ring_, 1);
      if (r < 0 && r != -EINTR && r != -ETIME) fail("io_uring_submit_and_wait", -r);
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        handle(*cqe);
        ++seen;
      }
      io_uring_cq_advance(&ring_, seen);
      if (recycled_ != 0) {
        io_uring_buf_ring_advance(buffer_ring_, recycled_);
        recycled_ = 0;
      }
      flush_sends();
    }
  }

 private:
  static std::size_t buffer_ring_bytes() { return kBufferCount * sizeof(io_uring_buf); }

  void setup_buffer_ring() {
    void* memory = ::mmap(nullptr, buffer_ring_bytes(), PROT_READ | PROT_WRITE,
                          MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (memory == MAP_FAILED) fail("mmap buffer ring", errno);
    buffer_ring_ = static_cast<io_uring_buf_ring*>(memory);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(memory);
    reg.ring_entries = kBufferCount;
    reg.bgid = kBufferGroup;
    if (int r = io_uring_register_buf_ring(&ring_, &reg, 0); r < 0) {
      fail("io_uring_register_buf_ring", -r);
    }
    buffers_ =
        static_cast<char*>(std::aligned_alloc(4096, std::size_t{kBufferCount} * kBufferSize));
    if (buffers_ == nullptr) fail("aligned_alloc", ENOMEM);
    io_uring_buf_ring_init(buffer_ring_);
    for (unsigned i = 0; i < kBufferCount; ++i) add_buffer(static_cast<unsigned short>(i));
    io_uring_buf_ring_advance(buffer_ring_, static_cast<int>(recycled_));
    recycled_ = 0;
  }

  // Queues a buffer for return; run() publishes the whole batch with one tail update.
  void add_buffer(unsigned short id) {
    io_uring_buf_ring_add(buffer_ring_, buffers_ + std::size_t{id} * kBufferSize, kBufferSize, id,
                          io_uring_buf_ring_mask(kBufferCount), static_cast<int>(recycled_));
    ++recycled_;
  }

  io_uring_sqe* get_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    while (sqe == nullptr) {
      io_uring_submit(&ring_);
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  void handle(const io_uring_cqe& cqe) {
    const std::uint64_t data = io_uring_cqe_get_data64(&cqe);
    switch (tag_op(data)) {
      case Op::kAccept:
        on_accept(cqe);
        break;
      case Op::kRecv:
        on_recv(tag_slot(data), cqe);
        break;
      case Op::kSend:
        on_send(tag_slot(data), cqe.res);
        break;
      case Op::kStop:
        running_ = false;
        break;
      case Op::kClose:
      case Op::kCancel:
        break;
    }
  }

  void on_accept(const io_uring_cqe& cqe) {
    if (cqe.res >= 0) {
      const auto slot = static_cast<std::uint32_t>(cqe.res);
      Connection& c = connections_[slot];
      c.open = true;
      c.closing = false;
      c.cancel_sent = false;
      arm_recv(slot);
    } else if (cqe.res != -ECANCELED) {
      std::fprintf(stderr, "raw_uring_echo_server: accept: %s\n", std::strerror(-cqe.res));
    }
    if ((cqe.flags & IORING_CQE_F_MORE) == 0 && running_) {
      io_uring_sqe* sqe = get_sqe();
      io_uring_prep_multishot_accept_direct(sqe, listen_fd_, nullptr, nullptr, 0);
      io_uring_sqe_set_data64(sqe, tag(Op::kAccept));
    }
  }

  void arm_recv(std::uint32_t slot) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_recv_multishot(sqe, static_cast<int>(slot), nullptr, 0, 0);
    sqe->flags |= IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
    sqe->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(sqe, tag(Op::kRecv, slot));
    connections_[slot].recv_armed = true;
  }

  void on_recv(std::uint32_t slot, const io_uring_cqe& cqe) {
    Connection& c = connections_[slot];
    if (cqe.res > 0 && (cqe.flags & IORING_CQE_F_BUFFER) != 0) {
      const auto id = static_cast<unsigned short>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
      if (!c.closing) {
        consume(slot,
                {buffers_ + std::size_t{id} * kBufferSize, static_cast<std::size_t>(cqe.res)});
      }
      add_buffer(id);
    }
    if ((cqe.flags & IORING_CQE_F_MORE) != 0) return;
    c.recv_armed = false;
    // The multishot receive ended: re-arm after running out of buffers, otherwise the peer is
    // gone (0 = EOF) or the receive failed or was cancelled.
    if (!c.closing && (cqe.res > 0 || cqe.res == -ENOBUFS)) {
      arm_recv(slot);
    } else {
      begin_close(slot);
    }
  }

  void consume(std::uint32_t slot, std::span<const char> bytes) {
    Connection& c = connections_[slot];
    std::string& replies = c.sending ? c.pending : c.out;
    std::ptrdiff_t used = 0;
    if (c.in.empty()) {
      // Common case: parse straight from the provided buffer, keep only a trailing partial frame.
      used = moonring::bench::append_echo_replies(mode_, bytes, replies);
      if (used >= 0)
        c.in.assign(bytes.data() + used, bytes.size() - static_cast<std::size_t>(used));
    } else {
      c.in.append(bytes.data(), bytes.size());
      used = moonring::bench::append_echo_replies(mode_, c.in, replies);
      if (used >= 0) c.in.erase(0, static_cast<std::size_t>(used));
    }
    if (used < 0) {
      begin_close(slot);
      return;
    }
    if (!c.sending && !c.out.empty() && !c.flush_queued) {
      c.flush_queued = true;
      flush_queue_.push_back(slot);
    }
  }

  // One send per connection per loop iteration, carrying all replies produced in it.
  void flush_sends() {
    for (const std::uint32_t slot : flush_queue_) {
      Connection& c = connections_[slot];
      c.flush_queued = false;
      if (!c.closing && !c.sending && !c.out.empty()) submit_send(slot);
    }
    flush_queue_.clear();
  }

  void submit_send(std::uint32_t slot) {
    Connection& c = connections_[slot];
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_send(sqe, static_cast<int>(slot), c.out.data() + c.out_sent,
                       c.out.size() - c.out_sent, MSG_NOSIGNAL);
    sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, tag(Op::kSend, slot));
    c.sending = true;
  }

  void on_send(std::uint32_t slot, int result) {
    Connection& c = connections_[slot];
    c.sending = false;
    if (result < 0 || c.closing) {
      begin_close(slot);
      return;
    }
    c.out_sent += static_cast<std::size_t>(result);
    if (c.out_sent < c.out.size()) {
      submit_send(slot);  // short send: the rest goes first to keep the byte order
      return;
    }
    c.out.clear();
    c.out_sent = 0;
    std::swap(c.out, c.pending);
    if (!c.out.empty()) submit_send(slot);
  }

  // Closes once neither the receive nor a send can still complete, so a slot is never reused
  // while a completion for its previous connection is outstanding.
  void begin_close(std::uint32_t slot) {
    Connection& c = connections_[slot];
    if (!c.open) return;
    c.closing = true;
    if (c.recv_armed) {
      if (!c.cancel_sent) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_cancel64(sqe, tag(Op::kRecv, slot), 0);
        io_uring_sqe_set_data64(sqe, tag(Op::kCancel, slot));
        c.cancel_sent = true;
      }
      return;
    }
    if (c.sending) return;
    c.open = false;
    c.in.clear();
    c.out.clear();
    c.out_sent = 0;
    c.pending.clear();
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_close_direct(sqe, slot);
    io_uring_sqe_set_data64(sqe, tag(Op::kClose, slot));
  }

  EchoMode mode_;
  int listen_fd_;
  int stop_fd_;
  io_uring ring_{};
  bool ring_ready_ = false;
  bool running_ = true;
  io_uring_buf_ring* buffer_ring_ = nullptr;
  char* buffers_ = nullptr;
  unsigned recycled_ = 0;
  std::vector<Connection> connections_;
  std::vector<std::uint32_t> flush_queue_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = moonring::bench::parse_server_options(argc, argv);
  const sigset_t stop_signals = moonring::bench::block_stop_signals();

  std::vector<int> listeners;
  try {
    for (unsigned i = 0; i < options.threads; ++i) {
      listeners.push_back(moonring::bench::open_listener(options.port, true));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raw_uring_echo_server: %s\n", e.what());
    return 1;
  }
  // Every worker polls this eventfd; one write wakes them all for shutdown.
  const int stop_fd = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd < 0) fail("eventfd", errno);

  std::latch set_up(options.threads);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < options.threads; ++i) {
    threads.emplace_back([&, listen_fd = listeners[i]] {
      Worker worker(options.mode, listen_fd, stop_fd);
      worker.setup();
      set_up.count_down();
      worker.run();
    });
  }
  set_up.wait();
  moonring::bench::announce_ready();

  moonring::bench::wait_for_stop_signal(stop_signals);
  const std::uint64_t one = 1;
  if (::write(stop_fd, &one, sizeof one) != sizeof one) fail("write eventfd", errno);
  for (auto& t : threads) t.join();
  for (const int fd : listeners) ::close(fd);
  ::close(stop_fd);
  return 0;
}
