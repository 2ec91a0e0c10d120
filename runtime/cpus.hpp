// The CPUs this process may run on, and narrowing them: `moonring check --jobs N` runs every
// thread it starts (cores, loader, walks) on N CPUs, so --jobs 1 measures one CPU's work.
#pragma once

#include <vector>

#include "runtime/result.hpp"

namespace moonring {

// The CPUs the calling thread may run on (taskset and cgroups narrow it), in ascending order;
// never empty.
std::vector<int> allowed_cpus();

// Narrows the calling thread to the first `count` of allowed_cpus(); the threads it starts from
// now on inherit that set. Call before starting any thread that should be bound by it. A count
// at or above the allowed number changes nothing.
Result<void> confine_to_cpus(unsigned count);

// Lets the calling thread run on every CPU of the process: the main thread's set, which
// confine_to_cpus narrows. A thread started from a runtime core inherits that core's pin to one
// CPU and would only take turns with it (start_thread calls this). A failure changes nothing.
void run_on_process_cpus();

}  // namespace moonring
