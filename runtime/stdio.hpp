// The process's standard streams and pipes as async streams (the language server speaks on
// stdin/stdout; the debugger talks to its debuggee through pipes).
#pragma once

#include <utility>

#include "runtime/result.hpp"
#include "runtime/stream.hpp"

namespace moonring {

// Borrow fd 0 / fd 1: closing the stream does not close the process's descriptor.
FdStream stdin_stream();
FdStream stdout_stream();

struct Pipe {
  FdStream read_end;
  FdStream write_end;
};
// A new pipe whose ends are set up for the current core's backend.
Result<Pipe> make_pipe();

}  // namespace moonring
