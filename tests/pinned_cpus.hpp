// Threads started from a thread pinned to one CPU, as a runtime core is: for the helpers that must
// run on every CPU of the process rather than inherit that pin (runtime's start_thread, the syntax
// library's Prefaulter).
#pragma once

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace moonring::test {

// How many CPUs the calling thread may run on; of the process (its main thread) with `process`.
inline int cpu_count(bool process = false) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(process ? getpid() : 0, sizeof set, &set) != 0) return -1;
  return CPU_COUNT(&set);
}

struct PinnedStart {
  int pinned = -1;   // CPUs of the pinned thread (1 once pinned)
  int started = -1;  // CPUs of the helper, as `body` measured them
};

// Pins a thread to the process's first CPU; from there `start(body)` starts a helper that runs
// `body`, and joins it. `body` returns the helper's CPU count as the test wants it read.
inline PinnedStart start_from_pinned_thread(
    const std::function<void(const std::function<void()>&)>& start,
    const std::function<int()>& body) {
  PinnedStart out;
  std::thread pinned([&] {
    cpu_set_t process;
    CPU_ZERO(&process);
    if (sched_getaffinity(getpid(), sizeof process, &process) != 0) return;
    int first = 0;
    while (!CPU_ISSET(first, &process)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0) return;
    out.pinned = cpu_count();
    start([&] { out.started = body(); });
  });
  pinned.join();
  return out;
}

}  // namespace moonring::test
