// jsonrpc_load: the jsonrpc bench's load client. Keeps --depth JSON-RPC requests in flight to one
// server (spawned on stdin/stdout pipes, or over TCP), checks that every response carries the id
// of the oldest outstanding request and a result at least as large as the request's params (the
// servers echo them or, for hover, write a larger Hover), and prints one line for the measured
// window:
//   msgs= msgs_per_s= mb_per_s= p50_us= p99_us= cpu_util= server_cpu_util= other_util= errors=
// (cpu_util: our CPU, in cores; server_cpu_util: the server's; other_util: the rest of the
// machine's busy CPU, i.e. other processes disturbing the measurement.)
// One thread, poll(2), plain POSIX; new requests go out in one write per batch of replies.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/echo/cpu_time.hpp"
#include "bench/echo/latency_histogram.hpp"
#include "bench/jsonrpc/load_options.hpp"
#include "bench/jsonrpc/payloads.hpp"
#include "bench/jsonrpc/response_reader.hpp"
#include "bench/jsonrpc/server_channel.hpp"

namespace moonring::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What one unit of load is: an optional notification (pre-framed), then a request.
struct Workload {
  std::string notification;
  std::string method;
  std::string params;
};

Workload make_workload(MessageKind kind) {
  Workload work;
  switch (kind) {
    case MessageKind::hover:
      work = {"", "textDocument/hover", hover_params()};
      break;
    case MessageKind::didchange_hover:
      work = {"", "textDocument/hover", hover_params()};
      append_message(work.notification, 0, "textDocument/didChange", didchange_params());
      break;
    case MessageKind::completion:
      work = {"", "textDocument/completion", completion_params()};
      break;
    case MessageKind::diagnostics:
      work = {"", "textDocument/publishDiagnostics", diagnostics_params()};
      break;
  }
  return work;
}

struct Outstanding {
  std::uint64_t id;
  Clock::time_point sent;
};

// Outstanding requests, oldest first, in a ring of `depth` slots.
class InFlight {
 public:
  explicit InFlight(int depth) : slots_(static_cast<std::size_t>(depth)) {}
  bool full() const { return count_ == slots_.size(); }
  bool empty() const { return count_ == 0; }
  void push(Outstanding entry) { slots_[(head_ + count_++) % slots_.size()] = entry; }
  Outstanding pop() {
    const Outstanding entry = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return entry;
  }

 private:
  std::vector<Outstanding> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

// What the measured window saw.
struct Window {
  std::uint64_t msgs = 0;
  std::uint64_t bytes = 0;  // written plus read
  std::uint64_t errors = 0;
  LatencyHistogram latency;
};

// CPU seconds so far: ours, the server's (-1 if unknown) and the whole machine's busy time.
struct CpuReading {
  double own;
  double server;
  double machine;
};

CpuReading read_cpu(pid_t server_pid) {
  return {own_cpu_seconds(), server_pid > 0 ? process_cpu_seconds(server_pid) : -1,
          system_busy_seconds()};
}

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// One client session against one server: fill the pipeline, write, wait, read, check.
class LoadSession {
 public:
  LoadSession(ServerChannel& server, const LoadOptions& options)
      : server_(server), work_(make_workload(options.message)), in_flight_(options.depth) {}

  // Runs until `stop_at`. Returns "" or what went wrong.
  std::string run(Clock::time_point stop_at) {
    for (;;) {
      const auto now = Clock::now();
      if (now >= stop_at) return "";
      fill(now);
      if (auto error = flush(); !error.empty()) return error;
      if (auto error = wait(stop_at - now); !error.empty()) return error;
      if (auto error = receive(); !error.empty()) return error;
    }
  }

  // Counts from now on (requests already in flight included, as in steady state).
  void start_window() {
    window_ = std::make_unique<Window>();
    measuring_ = true;
  }

  const Window& window() const { return *window_; }

 private:
  // Tops the pipeline up to --depth requests (each after its notification, if any).
  void fill(Clock::time_point now) {
    while (!in_flight_.full()) {
      out_ += work_.notification;
      in_flight_.push({next_id_, now});
      append_message(out_, next_id_++, work_.method, work_.params);
    }
  }

  // Writes what the server will take now. The written prefix is dropped once it is the larger
  // part, so the buffer stays within about twice --depth messages even if it never drains.
  std::string flush() {
    while (out_sent_ < out_.size()) {
      const ssize_t n = ::write(server_.write_fd, out_.data() + out_sent_, out_.size() - out_sent_);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (n < 0) return std::string("write: ") + std::strerror(errno);
      out_sent_ += static_cast<std::size_t>(n);
      if (measuring_) window_->bytes += static_cast<std::uint64_t>(n);
    }
    if (out_sent_ * 2 >= out_.size()) {
      out_.erase(0, out_sent_);
      out_sent_ = 0;
    }
    return "";
  }

  // Waits until the server's output is readable (or its input writable, if we have more to say).
  std::string wait(Clock::duration left) {
    pollfd fds[2] = {{server_.read_fd, POLLIN, 0}, {server_.write_fd, POLLOUT, 0}};
    nfds_t count = 1;
    if (out_sent_ < out_.size()) {
      if (server_.write_fd == server_.read_fd)
        fds[0].events |= POLLOUT;
      else
        count = 2;
    }
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    if (::poll(fds, count, static_cast<int>(std::min<long long>(left_ms, 100))) < 0 &&
        errno != EINTR) {
      return std::string("poll: ") + std::strerror(errno);
    }
    return "";
  }

  std::string receive() {
    char* const space = reader_.space();  // before space_size(): it may grow the buffer
    const ssize_t n = ::read(server_.read_fd, space, reader_.space_size());
    if (n == 0) return "the server closed its output";
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return "";
    if (n < 0) return std::string("read: ") + std::strerror(errno);
    reader_.commit(static_cast<std::size_t>(n));
    if (measuring_) window_->bytes += static_cast<std::uint64_t>(n);
    const auto now = Clock::now();
    while (const auto body = reader_.next()) {
      if (in_flight_.empty()) return "a response to no request";
      const Outstanding request = in_flight_.pop();
      if (!measuring_) continue;
      ++window_->msgs;
      window_->latency.record(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - request.sent).count()));
      if (!answers(*body, request.id)) {
        if (window_->errors++ == 0) {
          std::fprintf(stderr, "jsonrpc_load: unexpected response to id %llu: %.300s\n",
                       static_cast<unsigned long long>(request.id), std::string(*body).c_str());
        }
      }
    }
    if (reader_.failed()) return "a message from the server without Content-Length";
    return "";
  }

  // The response has this id and a result as large as the params it echoes.
  bool answers(std::string_view body, std::uint64_t id) const {
    const auto found = ResponseReader::id_of(body);
    return found && *found == id && body.find("\"result\"") != std::string_view::npos &&
           body.size() >= work_.params.size();
  }

  ServerChannel& server_;
  const Workload work_;
  InFlight in_flight_;
  ResponseReader reader_;
  std::string out_;
  std::size_t out_sent_ = 0;
  std::uint64_t next_id_ = 1;
  bool measuring_ = false;
  std::unique_ptr<Window> window_ = std::make_unique<Window>();
};

int run(const LoadOptions& options) {
  ServerChannel server = options.spawn.empty()
                             ? connect_server(options.connect, std::chrono::seconds(10))
                             : spawn_server(options.spawn, options.server_stderr);
  if (server.read_fd < 0) {
    std::fprintf(stderr, "jsonrpc_load: %s\n", server.error.c_str());
    return 1;
  }
  const pid_t server_pid = server.pid > 0 ? server.pid : options.server_pid;

  LoadSession session(server, options);
  std::string error = session.run(Clock::now() + seconds(options.warmup));
  session.start_window();
  const auto window_start = Clock::now();
  const CpuReading cpu_start = read_cpu(server_pid);
  if (error.empty()) error = session.run(window_start + seconds(options.duration));
  const double elapsed = std::chrono::duration<double>(Clock::now() - window_start).count();
  const CpuReading cpu_end = read_cpu(server_pid);
  server.close_and_reap();
  if (!error.empty()) {
    std::fprintf(stderr, "jsonrpc_load: %s\n", error.c_str());
    return 1;
  }

  const Window& window = session.window();
  const double own = (cpu_end.own - cpu_start.own) / elapsed;
  const double busy = (cpu_end.machine - cpu_start.machine) / elapsed;
  char server_util[16] = "n/a";
  char other_util[16] = "n/a";
  if (cpu_start.server >= 0 && cpu_end.server >= 0) {
    const double server_cores = (cpu_end.server - cpu_start.server) / elapsed;
    std::snprintf(server_util, sizeof server_util, "%.2f", server_cores);
    std::snprintf(other_util, sizeof other_util, "%.2f", std::max(0.0, busy - own - server_cores));
  }
  std::printf(
      "msgs=%llu msgs_per_s=%.0f mb_per_s=%.1f p50_us=%.1f p99_us=%.1f cpu_util=%.2f "
      "server_cpu_util=%s other_util=%s errors=%llu\n",
      static_cast<unsigned long long>(window.msgs), static_cast<double>(window.msgs) / elapsed,
      static_cast<double>(window.bytes) / elapsed / 1e6, window.latency.percentile(0.5) / 1e3,
      window.latency.percentile(0.99) / 1e3, own, server_util, other_util,
      static_cast<unsigned long long>(window.errors));
  return window.errors == 0 && window.msgs > 0 ? 0 : 1;
}

}  // namespace
}  // namespace moonring::bench

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  return moonring::bench::run(moonring::bench::parse_load_options(argc, argv));
}
