// `moonring run [debugger flags] SCRIPT [ARGS...]`: a Lua 5.4 program as lua5.4 runs it, with
// the debug agent when a debugger flag asks for one.
#pragma once

namespace moonring::app {

// argv[first..] are the command's own arguments; returns the process's exit status.
int run_command(int argc, char** argv, int first);

}  // namespace moonring::app
