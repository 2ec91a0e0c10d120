// Threads the project starts (blocking pool, loader workers, discovery walks) block SIGINT and
// SIGTERM, so those signals reach the runtime's signalfd and never interrupt a worker, even when
// the thread starts before Runtime::start blocks them process-wide.
#pragma once

#include <signal.h>

#include <thread>
#include <utility>

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
// inherits the mask of its creator, which blocks them around the creation).
template <class F>
std::thread start_thread(F&& f) {
  StopSignalsBlocked blocked;
  return std::thread(std::forward<F>(f));
}

}  // namespace moonring
