// CPU sets through sched_getaffinity/sched_setaffinity (see cpus.hpp).
#include "runtime/cpus.hpp"

#include <sched.h>
#include <unistd.h>

#include <cerrno>

namespace moonring {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int i = 0; i < CPU_SETSIZE; ++i)
      if (CPU_ISSET(i, &set)) cpus.push_back(i);
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

Result<void> confine_to_cpus(unsigned count) {
  const std::vector<int> cpus = allowed_cpus();
  if (count == 0 || count >= cpus.size()) return {};
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned i = 0; i < count; ++i) CPU_SET(cpus[i], &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) return errno_error(errno, "sched_setaffinity");
  return {};
}

void run_on_process_cpus() {
  // sched_getaffinity of the process id reads the thread whose id it is: the main thread.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(getpid(), sizeof(set), &set) == 0) sched_setaffinity(0, sizeof(set), &set);
}

}  // namespace moonring
