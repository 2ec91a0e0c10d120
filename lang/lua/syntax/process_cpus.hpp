// The CPUs of the whole process (its main thread's set, which `--jobs N` narrows), for the helper
// threads a parse starts (Prefaulter): started from a runtime core, which is pinned to one CPU, a
// helper would inherit the pin and only take turns with the thread it is meant to relieve.
// The same as runtime's run_on_process_cpus (runtime/cpus.hpp), which start_thread applies: this
// library depends on the standard library only.
#pragma once

namespace moonring::lua {

// Lets the calling thread run on every CPU of the process (a failure leaves it where it was).
void run_on_process_cpus();

}  // namespace moonring::lua
