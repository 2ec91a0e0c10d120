// Threads the project starts (blocking pool, loader workers, discovery walks) block SIGINT and
// SIGTERM, so those signals reach the runtime's signalfd and never interrupt a worker, even when
// the thread starts before Runtime::start blocks them process-wide. And they run on every CPU of
// the process, even when a runtime core (pinned to one CPU) starts them.
#pragma once

#include <signal.h>

#include <thread>
#include <utility>

#include "runtime/cpus.hpp"

namespace moonring {

// Blocks SIGINT and SIGTERM in the calling thread for its lifetime, then restores the old mask.
class StopSignalsBlocked {
 public:
  StopSignalsBlocked();
  ~StopSignalsBlocked();
  StopSignalsBlocked(const StopSignalsBlocked&) = delete;
  StopSignalsBlocked& operator=(const StopSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

// std::thread(f) whose thread has SIGINT and SIGTERM blocked from its first instruction (it
// inherits the mask of its creator, which blocks them around the creation), and which runs on the
// process's CPUs, not only on its creator's.
template <class F>
std::thread start_thread(F&& f) {
  StopSignalsBlocked blocked;
  return std::thread([f = std::forward<F>(f)]() mutable {
    run_on_process_cpus();
    f();
  });
}

}  // namespace moonring
