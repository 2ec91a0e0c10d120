// One thread of the echo load generator: drives its share of the connections on its own io_uring.
//
// Built for low CPU per request so the server, not the generator, is the bottleneck: a multishot
// receive per connection into a provided-buffer ring, and when k replies arrive on a connection,
// the k requests that replace them go out in one send (at most one send in flight per connection).
#pragma once

#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/echo/latency_histogram.hpp"

namespace moonring::bench {

enum class LoadPhase : int { kWarmup, kMeasure, kDone };

class LoadWorker {
 public:
  struct Results {
    std::uint64_t replies = 0;  // replies received inside the measured window
    std::uint64_t errors = 0;   // wrong bytes, lost connections, connections without replies
    LatencyHistogram latency;
  };

  LoadWorker(std::uint16_t port, unsigned connections, unsigned depth, std::string request,
             const std::atomic<LoadPhase>& phase)
      : port_(port),
        depth_(depth),
        request_(std::move(request)),
        phase_(phase),
        connections_(connections),
        sent_at_(std::size_t{connections} * depth) {
    for (unsigned i = 0; i < depth_; ++i) requests_ += request_;
  }
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  ~LoadWorker() {
    if (ring_ready_) io_uring_queue_exit(&ring_);
    if (buffer_ring_ != nullptr) ::munmap(buffer_ring_, kBufferCount * sizeof(io_uring_buf));
    std::free(buffers_);
    for (const Connection& c : connections_) {
      if (c.fd >= 0) ::close(c.fd);
    }
  }

  // Connects and builds the ring; runs on the worker's own thread (the ring is SINGLE_ISSUER).
  // Throws std::runtime_error on failure.
  void setup() {
    std::vector<int> fds;
    for (Connection& c : connections_) {
      c.fd = connect_loopback();
      fds.push_back(c.fd);
    }
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
                   IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
    params.cq_entries = 16384;
    check(io_uring_queue_init_params(1024, &ring_, &params), "io_uring_queue_init_params");
    ring_ready_ = true;
    io_uring_register_ring_fd(&ring_);
    check(io_uring_register_files(&ring_, fds.data(), static_cast<unsigned>(fds.size())),
          "io_uring_register_files");
    setup_buffer_ring();
  }

  void run() {
    for (std::uint32_t i = 0; i < connections_.size(); ++i) {
      arm_recv(i);
      owe(i, depth_);
    }
    flush_sends();
    for (;;) {
      // The timeout only matters if the server stops answering: the phase is still checked.
      __kernel_timespec timeout{0, 100'000'000};
      io_uring_cqe* first = nullptr;
      const int r = io_uring_submit_and_wait_timeout(&ring_, &first, 1, &timeout, nullptr);
      if (r < 0 && r != -ETIME && r != -EINTR) check(r, "io_uring_submit_and_wait_timeout");
      const LoadPhase phase = phase_.load(std::memory_order_acquire);
      if (phase == LoadPhase::kDone) break;
      measuring_ = phase == LoadPhase::kMeasure;
      now_ = now_ns();

      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        handle(*cqe);
        ++seen;
      }
      io_uring_cq_advance(&ring_, seen);
      if (recycled_ != 0) {
        io_uring_buf_ring_advance(buffer_ring_, static_cast<int>(recycled_));
        recycled_ = 0;
      }
      flush_sends();
    }
    for (const Connection& c : connections_) {
      if (!c.dead && c.replies_in_window == 0) ++results_.errors;  // stalled
    }
  }

  const Results& results() const { return results_; }

 private:
  static constexpr unsigned kBufferCount = 1024;      // power of two
  static constexpr unsigned kBufferSize = 32 * 1024;  // a whole burst of replies per completion
  static constexpr unsigned short kBufferGroup = 0;

  enum class Op : std::uint8_t { kRecv, kSend };

  struct Connection {
    int fd = -1;
    bool dead = false;
    bool sending = false;
    bool flush_queued = false;
    std::uint32_t owed = 0;         // requests answered and not yet replaced
    std::uint32_t send_offset = 0;  // bytes of requests_ already sent by the current send
    std::uint32_t send_end = 0;
    std::uint32_t reply_offset = 0;  // bytes of the current reply already checked
    std::uint32_t fifo_head = 0;     // oldest entry of this connection's sent_at_ slice
    std::uint32_t fifo_size = 0;
    std::uint64_t replies_in_window = 0;
  };

  static void check(int result, const char* what) {
    if (result < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-result));
  }

  static std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }

  static std::uint64_t tag(Op op, std::uint32_t conn) {
    return (std::uint64_t{conn} << 8) | static_cast<std::uint8_t>(op);
  }

  int connect_loopback() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) check(-errno, "socket");
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    // Bounds connect() too, should the server's backlog be full.
    const timeval limit{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd);
      check(-error, "connect");
    }
    return fd;
  }

  void setup_buffer_ring() {
    void* memory = ::mmap(nullptr, kBufferCount * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
                          MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (memory == MAP_FAILED) check(-errno, "mmap");
    buffer_ring_ = static_cast<io_uring_buf_ring*>(memory);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(memory);
    reg.ring_entries = kBufferCount;
    reg.bgid = kBufferGroup;
    check(io_uring_register_buf_ring(&ring_, &reg, 0), "io_uring_register_buf_ring");
    buffers_ =
        static_cast<char*>(std::aligned_alloc(4096, std::size_t{kBufferCount} * kBufferSize));
    if (buffers_ == nullptr) check(-ENOMEM, "aligned_alloc");
    io_uring_buf_ring_init(buffer_ring_);
    for (unsigned i = 0; i < kBufferCount; ++i) add_buffer(static_cast<unsigned short>(i));
    io_uring_buf_ring_advance(buffer_ring_, static_cast<int>(recycled_));
    recycled_ = 0;
  }

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

  void arm_recv(std::uint32_t conn) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_recv_multishot(sqe, static_cast<int>(conn), nullptr, 0, 0);
    sqe->flags |= IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
    sqe->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(sqe, tag(Op::kRecv, conn));
  }

  void handle(const io_uring_cqe& cqe) {
    const std::uint64_t data = io_uring_cqe_get_data64(&cqe);
    const auto conn = static_cast<std::uint32_t>(data >> 8);
    if (static_cast<Op>(data & 0xff) == Op::kSend) {
      on_send(conn, cqe.res);
      return;
    }
    if (cqe.res > 0 && (cqe.flags & IORING_CQE_F_BUFFER) != 0) {
      const auto id = static_cast<unsigned short>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
      on_bytes(conn, buffers_ + std::size_t{id} * kBufferSize, static_cast<std::size_t>(cqe.res));
      add_buffer(id);
    }
    if ((cqe.flags & IORING_CQE_F_MORE) == 0) {
      if (cqe.res > 0 || cqe.res == -ENOBUFS) {
        arm_recv(conn);
      } else {
        lose(conn);  // the server closed the connection or the receive failed
      }
    }
  }

  // Checks the bytes against the expected replies (equal to the requests) and settles each
  // complete reply: latency from its send, and one request owed in its place.
  void on_bytes(std::uint32_t conn, const char* bytes, std::size_t size) {
    Connection& c = connections_[conn];
    if (c.dead) return;
    const auto reply_size = static_cast<std::uint32_t>(request_.size());
    std::uint32_t completed = 0;
    while (size != 0) {
      const std::size_t n = std::min<std::size_t>(size, reply_size - c.reply_offset);
      if (std::memcmp(bytes, request_.data() + c.reply_offset, n) != 0 || c.fifo_size == 0) {
        lose(conn);  // a wrong reply, or one nobody asked for: the stream cannot be trusted
        return;
      }
      bytes += n;
      size -= n;
      c.reply_offset += static_cast<std::uint32_t>(n);
      if (c.reply_offset < reply_size) break;
      c.reply_offset = 0;
      const std::uint64_t sent = sent_at_[std::size_t{conn} * depth_ + c.fifo_head];
      c.fifo_head = c.fifo_head + 1 == depth_ ? 0 : c.fifo_head + 1;
      --c.fifo_size;
      ++completed;
      if (measuring_) results_.latency.record(now_ - sent);
    }
    if (measuring_) {
      results_.replies += completed;
      c.replies_in_window += completed;
    }
    owe(conn, completed);
  }

  void owe(std::uint32_t conn, std::uint32_t count) {
    Connection& c = connections_[conn];
    c.owed += count;
    if (count != 0 && !c.flush_queued && !c.sending) {
      c.flush_queued = true;
      flush_queue_.push_back(conn);
    }
  }

  void flush_sends() {
    for (const std::uint32_t conn : flush_queue_) {
      connections_[conn].flush_queued = false;
      start_send(conn);
    }
    flush_queue_.clear();
  }

  // Sends every owed request in one go; their latency clocks start now.
  void start_send(std::uint32_t conn) {
    Connection& c = connections_[conn];
    if (c.dead || c.sending || c.owed == 0) return;
    const std::uint64_t stamp = now_ns();
    for (std::uint32_t i = 0; i < c.owed; ++i) {
      sent_at_[std::size_t{conn} * depth_ + (c.fifo_head + c.fifo_size) % depth_] = stamp;
      ++c.fifo_size;
    }
    c.send_offset = 0;
    c.send_end = c.owed * static_cast<std::uint32_t>(request_.size());
    c.owed = 0;
    submit_send(conn);
  }

  void submit_send(std::uint32_t conn) {
    Connection& c = connections_[conn];
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_send(sqe, static_cast<int>(conn), requests_.data() + c.send_offset,
                       c.send_end - c.send_offset, MSG_NOSIGNAL);
    sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, tag(Op::kSend, conn));
    c.sending = true;
  }

  void on_send(std::uint32_t conn, int result) {
    Connection& c = connections_[conn];
    c.sending = false;
    if (result <= 0) {
      lose(conn);
      return;
    }
    c.send_offset += static_cast<std::uint32_t>(result);
    if (c.send_offset < c.send_end) {
      submit_send(conn);  // short send: finish it before anything else
    } else {
      start_send(conn);  // requests owed while this send was in flight
    }
  }

  void lose(std::uint32_t conn) {
    Connection& c = connections_[conn];
    if (c.dead) return;
    c.dead = true;
    ++results_.errors;
  }

  std::uint16_t port_;
  unsigned depth_;
  std::string request_;
  std::string requests_;  // depth_ copies of request_: any owed batch is a prefix of it
  const std::atomic<LoadPhase>& phase_;
  std::vector<Connection> connections_;
  std::vector<std::uint64_t> sent_at_;  // per connection, a FIFO of depth_ send timestamps
  std::vector<std::uint32_t> flush_queue_;
  io_uring ring_{};
  bool ring_ready_ = false;
  io_uring_buf_ring* buffer_ring_ = nullptr;
  char* buffers_ = nullptr;
  unsigned recycled_ = 0;
  bool measuring_ = false;
  std::uint64_t now_ = 0;
  Results results_;
};

}  // namespace moonring::bench
