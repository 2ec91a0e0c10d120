// Running a piece of work in a child process with its own CPU, address-space and wall-clock
// limits, so that work which never returns to a cooperative check (one long C call inside Lua)
// still ends: the sandbox evaluates .luacheckrc this way.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "runtime/result.hpp"

namespace moonring::lua::config {

struct IsolationLimits {
  double cpu_seconds = 5;        // CPU time of the child; past it the child is stopped
  double wall_seconds = 15;      // real time; past it the child is killed (it may be blocked)
  std::size_t memory_bytes = 0;  // address space beyond what the child starts with; 0: no limit
};

// Forks, runs `work` in the child and hands its answer (a text, or an error of the
// configuration category) back over a pipe. A child stopped by a limit, killed by a signal or
// exiting without an answer is an error value naming `path` ("/p/.luacheckrc: exceeded 1
// seconds of CPU time (stopped inside a library call)"). `work` must not depend on other
// threads of this process: only the calling thread exists in the child.
Result<std::string> run_isolated(const std::string& path, const IsolationLimits& limits,
                                 const std::function<Result<std::string>()>& work);

}  // namespace moonring::lua::config
