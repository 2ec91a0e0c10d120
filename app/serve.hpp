// What `moonring lsp`, `moonring dap` and `moonring jsonrpc-echo` share: start the runtime,
// take the transport flags, watch the client process, run sessions until they end.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring::app {

// One session on connected streams; returns the exit code it asks for.
using Session = std::function<Task<int>(FdStream& input, FdStream& output, std::string name)>;

// `command` names the subcommand in messages; `args` are its arguments.
int serve(std::string_view command, std::vector<std::string_view> args, Session session);

}  // namespace moonring::app
