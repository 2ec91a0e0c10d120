// Runtime start-up and shutdown: choose the backend, start one pinned worker per core, wire the
// cross-core queues, and stop gracefully on request or on SIGINT/SIGTERM.
#include "runtime/runtime.hpp"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/backend_choice.hpp"
#include "runtime/blocking_pool.hpp"
#include "runtime/cpus.hpp"
#include "runtime/io_op.hpp"

namespace moonring {

std::string_view to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::automatic:
      return "auto";
    case BackendKind::io_uring:
      return "io_uring";
    case BackendKind::asio:
      return "asio";
  }
  return "?";
}

namespace {

class RuntimeCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "moonring.runtime"; }
  std::string message(int c) const override {
    switch (static_cast<RuntimeErrc>(c)) {
      case RuntimeErrc::timed_out:
        return "timed out";
      case RuntimeErrc::cancelled:
        return "cancelled";
      case RuntimeErrc::shutting_down:
        return "the runtime is shutting down";
      case RuntimeErrc::closed:
        return "closed";
    }
    return "unknown runtime error";
  }
};

Result<std::unique_ptr<Backend>> make_backend(BackendKind kind, const BackendOptions& options) {
  return kind == BackendKind::io_uring ? make_uring_backend(options) : make_asio_backend(options);
}

// MOONRING_BACKEND overrides `automatic`; an explicit choice in the configuration stands.
Result<BackendKind> resolve_backend(BackendKind configured, const BackendOptions& options) {
  auto chosen = chosen_backend(configured);
  if (!chosen) return chosen.take_error();
  BackendKind kind = *chosen;
  if (kind == BackendKind::asio) return kind;
  // Probe io_uring on this thread; each worker then builds its own ring.
  auto probe = make_uring_backend(options);
  if (probe) return BackendKind::io_uring;
  if (kind == BackendKind::io_uring) return probe.take_error();
  std::fprintf(stderr, "moonring: io_uring is not available (%s); using the asio backend\n",
               probe.error().message().c_str());
  return BackendKind::asio;
}

}  // namespace

const std::error_category& runtime_category() noexcept {
  static RuntimeCategory category;
  return category;
}

Result<std::unique_ptr<Runtime>> Runtime::start(RuntimeConfig config) {
  std::unique_ptr<Runtime> rt(new Runtime(std::move(config)));
  if (auto r = rt->launch(); !r) return r.take_error();
  return rt;
}

Result<void> Runtime::launch() {
  auto kind = resolve_backend(config_.backend, config_.backend_options);
  if (!kind) return kind.take_error();
  kind_ = *kind;

  // A peer that vanishes mid-write is an error value (EPIPE), not a process-killing signal.
  ::signal(SIGPIPE, SIG_IGN);

  std::vector<int> cpus = allowed_cpus();
  unsigned n = config_.cores ? config_.cores : static_cast<unsigned>(cpus.size());

  if (config_.stop_on_signals) {
    // Blocked before any thread starts, so every thread inherits the mask and only the
    // signalfd sees SIGINT/SIGTERM.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
    if (signal_fd_ < 0) return errno_error(errno, "signalfd");
  }

  blocking_ = std::make_unique<BlockingPool>(config_.blocking_threads);
  cores_.resize(n);
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this, i, cpu = cpus[i % cpus.size()]] {
      if (config_.pin_threads) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      }
      worker_main(i);
    });
  }
  std::unique_lock lock(startup_mutex_);
  startup_cv_.wait(lock, [&] { return started_ == n; });
  if (startup_error_) {
    Error e = *startup_error_;
    lock.unlock();
    request_stop();
    join();
    return e;
  }
  if (signal_fd_ >= 0) {
    post(0, Message([this] {
           spawn_detached([](Runtime* rt, int fd) -> Task<void> {
             signalfd_siginfo info;
             int r =
                 co_await IoAwaiter::read(fd, &info, sizeof(info), -1, Core::current()->token());
             if (r == static_cast<int>(sizeof(info))) rt->request_stop();
           }(this, signal_fd_));
         }));
  }
  return {};
}

void Runtime::worker_main(unsigned index) {
  auto backend = make_backend(kind_, config_.backend_options);
  {
    std::unique_lock lock(startup_mutex_);
    if (backend) {
      cores_[index] = std::make_unique<Core>(*this, index, std::move(*backend));
    } else if (!startup_error_) {
      startup_error_ = Error{backend.error().code,
                             "core " + std::to_string(index) + ": " + backend.error().context};
    }
    ++started_;
    startup_cv_.notify_all();
    // Every core must exist before any of them wires its queues to the others.
    startup_cv_.wait(lock, [&] { return started_ == cores_.size(); });
    if (startup_error_) return;
  }
  Core& core = *cores_[index];
  core.inbound_.resize(cores_.size());
  core.outbound_.resize(cores_.size());
  for (unsigned from = 0; from < cores_.size(); ++from)
    if (from != index) core.inbound_[from] = std::make_unique<SpscQueue>();
  {
    // Publish our inbound queues, then wait until every core has, before taking the outbound
    // ends (the other cores' inbound queues).
    std::unique_lock lock(startup_mutex_);
    ++wired_;
    startup_cv_.notify_all();
    startup_cv_.wait(lock, [&] { return wired_ == cores_.size(); });
  }
  for (unsigned to = 0; to < cores_.size(); ++to)
    if (to != index) core.outbound_[to] = cores_[to]->inbound_[index].get();
  if (stop_requested_.load()) core.begin_stop();
  core.run();
}

bool Runtime::post(unsigned index, Message m) {
  return cores_[index]->post(std::move(m));
}

void Runtime::request_stop() {
  if (stop_requested_.exchange(true)) return;
  for (auto& core : cores_) {
    if (!core) continue;
    Core* c = core.get();
    c->post(Message([c] { c->begin_stop(); }));
  }
}

void Runtime::join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

Runtime::~Runtime() {
  request_stop();
  join();
  // The pool first: from then on no job it left running can post to a core or its backend.
  blocking_.reset();
  cores_.clear();
  if (signal_fd_ >= 0) {
    close(signal_fd_);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  }
}

}  // namespace moonring
