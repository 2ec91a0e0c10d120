// `moonring index [PATH...] [--output index.scip] [--format scip|lsif] [--shard K/N] [--jobs N]`
// and `moonring index merge A.scip ... -o OUT.scip`: the headless index (docs/index.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace moonring::app {

// argv[first..] are the arguments after `index`. Exit status: 0 written, 2 usage or I/O error.
int index_command(int argc, const char* const* argv, int first);

// Which shard (1-based, of `count`) a relative path falls in: FNV-1a of the path, so a file's
// shard never changes as the tree grows.
unsigned shard_of(std::string_view relative_path, unsigned count);

}  // namespace moonring::app
