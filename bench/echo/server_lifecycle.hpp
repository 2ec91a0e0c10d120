// The echo servers' contract with bench/echo/run.sh: print `ready` once listening, stop cleanly on
// SIGTERM or SIGINT.
#pragma once

#include <csignal>
#include <cstdio>

namespace moonring::bench {

// Blocks SIGINT and SIGTERM in the calling thread. Call it before starting worker threads so they
// inherit the mask and the signal is only ever taken by wait_for_stop_signal().
inline sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Returns the signal that asked us to stop.
inline int wait_for_stop_signal(const sigset_t& set) {
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

// The bench script waits for this exact line before it starts the load.
inline void announce_ready() {
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
}

}  // namespace moonring::bench
