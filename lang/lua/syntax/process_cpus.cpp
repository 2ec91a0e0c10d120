// The process's CPU set: see process_cpus.hpp.
#include "lang/lua/syntax/process_cpus.hpp"

#include <sched.h>
#include <unistd.h>

namespace moonring::lua {

namespace {

// The main thread's set: sched_getaffinity of the process id reads the thread whose id it is.
bool process_cpus(cpu_set_t& set) {
  CPU_ZERO(&set);
  return sched_getaffinity(getpid(), sizeof set, &set) == 0;
}

}  // namespace

void run_on_process_cpus() {
  cpu_set_t set;
  if (process_cpus(set)) sched_setaffinity(0, sizeof set, &set);
}

}  // namespace moonring::lua
