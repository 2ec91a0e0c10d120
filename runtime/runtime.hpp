// The runtime: configuration, start-up (one pinned worker per core), cross-core posting and
// graceful shutdown. Several runtimes may live in one process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/backend.hpp"
#include "runtime/blocking_pool.hpp"
#include "runtime/core.hpp"
#include "runtime/result.hpp"
#include "runtime/spawn.hpp"

namespace moonring {

struct RuntimeConfig {
  unsigned cores = 0;  // 0: one per CPU this process may run on
  // `automatic` tries io_uring and falls back to Asio with a notice on stderr; the environment
  // variable MOONRING_BACKEND=io_uring|asio overrides it.
  BackendKind backend = BackendKind::automatic;
  BackendOptions backend_options;
  bool pin_threads = true;
  unsigned blocking_threads = 2;
  // After a turn that did work, poll the kernel this long before going to sleep: a peer that
  // answers within it (a client in a request burst) is served without a wake-up. Costs nothing
  // when the core is idle, since an idle turn does no work.
  std::chrono::microseconds poll_before_sleep{50};
  // After a stop request, how long tasks get to finish before the rest are dropped.
  std::chrono::milliseconds shutdown_grace{5000};
  // SIGINT and SIGTERM start a graceful stop (the signals are blocked in every thread and read
  // through a signalfd on core 0).
  bool stop_on_signals = false;
};

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> start(RuntimeConfig config = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  unsigned core_count() const { return static_cast<unsigned>(cores_.size()); }
  BackendKind backend_kind() const { return kind_; }
  Core& core(unsigned index) { return *cores_[index]; }
  BlockingPool& blocking_pool() { return *blocking_; }
  const RuntimeConfig& config() const { return config_; }

  // Run `m` on core `index`. From any thread. False (and `m` is dropped) when the core has left
  // its loop and `m` came from a thread that is not a core.
  bool post(unsigned index, Message m);

  // Start the graceful stop on every core (any thread, any number of times).
  void request_stop();
  // Wait for every worker to finish (after request_stop, or after a signal).
  void join();
  bool stop_requested() const { return stop_requested_.load(); }

  // From a thread outside the runtime: run make_task() as a root task on core `index` and wait
  // for its result. Throws std::runtime_error if the runtime has stopped (its cores have left
  // their loops) or stops before the task ends.
  template <typename F>
  auto block_on(F&& make_task, unsigned index = 0) -> typename decltype(make_task())::value_type;

 private:
  explicit Runtime(RuntimeConfig config) : config_(std::move(config)) {}
  Result<void> launch();
  void worker_main(unsigned index);

  RuntimeConfig config_;
  BackendKind kind_ = BackendKind::io_uring;
  std::vector<std::unique_ptr<Core>> cores_;
  std::vector<std::thread> threads_;
  std::unique_ptr<BlockingPool> blocking_;
  std::atomic<bool> stop_requested_{false};
  int signal_fd_ = -1;

  // Start-up handshake: every worker reports whether its backend came up.
  std::mutex startup_mutex_;
  std::condition_variable startup_cv_;
  unsigned started_ = 0;
  unsigned wired_ = 0;
  std::optional<Error> startup_error_;
};

template <typename F>
auto Runtime::block_on(F&& make_task, unsigned index) ->
    typename decltype(make_task())::value_type {
  using T = typename decltype(make_task())::value_type;
  struct Shared {
    std::mutex mutex;
    std::condition_variable cv;
    bool finished = false;
    Outcome<T> outcome;
  };
  // Notifies the caller when the task ends, or when its frame is dropped at shutdown.
  struct Notifier {
    std::shared_ptr<Shared> shared;
    void operator()(Outcome<T>&& outcome) {
      std::lock_guard lock(shared->mutex);
      shared->outcome = std::move(outcome);
      shared->finished = true;
      shared->cv.notify_all();
    }
    Notifier(std::shared_ptr<Shared> s) : shared(std::move(s)) {}  // NOLINT
    Notifier(Notifier&&) = default;
    ~Notifier() {
      if (!shared) return;
      std::lock_guard lock(shared->mutex);
      shared->finished = true;
      shared->cv.notify_all();
    }
  };
  auto shared = std::make_shared<Shared>();
  // The notifier travels in the message, so a message dropped by a core that has stopped still
  // tells the caller.
  bool posted =
      post(index, Message([notifier = Notifier(shared), fn = std::forward<F>(make_task)]() mutable {
             spawn_root(detail::invoke_owned(std::move(fn)), std::move(notifier),
                        Core::current()->stop_token(), nullptr);
           }));
  if (!posted) throw std::runtime_error("block_on: the runtime has stopped");
  Outcome<T> outcome;
  {
    std::unique_lock lock(shared->mutex);
    shared->cv.wait(lock, [&] { return shared->finished; });
    // Taken out here, so an exception object is released on this thread only (its reference
    // count lives in uninstrumented libstdc++, which ThreadSanitizer cannot see).
    outcome = std::move(shared->outcome);
    shared->outcome = Outcome<T>{};
  }
  if (!outcome.has_value())
    throw std::runtime_error("block_on: the runtime stopped before the task finished");
  return std::move(outcome).take();
}

}  // namespace moonring
