// Starting threads with the stop signals blocked (see thread.hpp).
#include "runtime/thread.hpp"

#include <pthread.h>

namespace moonring {

StopSignalsBlocked::StopSignalsBlocked() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old_);
}

StopSignalsBlocked::~StopSignalsBlocked() {
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace moonring
