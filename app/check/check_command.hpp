// `moonring check [PATH...] [options]`: the headless checker teams run in CI.
#pragma once

namespace moonring::app {

// argv[first..] are the arguments after `check`. Exit status: 0 clean, 1 when a diagnostic at or
// above --fail-on was found, 2 for usage or I/O errors.
int check_command(int argc, const char* const* argv, int first);

}  // namespace moonring::app
