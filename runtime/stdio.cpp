// Standard streams and pipes (see stdio.hpp).
#include "runtime/stdio.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "runtime/core.hpp"

namespace moonring {

FdStream stdin_stream() {
  return FdStream(STDIN_FILENO, "stdin", false);
}
FdStream stdout_stream() {
  return FdStream(STDOUT_FILENO, "stdout", false);
}

Result<Pipe> make_pipe() {
  int fds[2];
  int flags = O_CLOEXEC;
  if (Core* core = Core::current(); core && core->backend().wants_nonblocking())
    flags |= O_NONBLOCK;
  if (::pipe2(fds, flags) != 0) return errno_error(errno, "pipe");
  return Pipe{FdStream(fds[0], "pipe (read end)"), FdStream(fds[1], "pipe (write end)")};
}

}  // namespace moonring
