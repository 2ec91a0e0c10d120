// `moonring index merge a.scip b.scip ... -o out.scip`: shards into the index the unsharded run
// writes (metadata once, documents in relative-path order), one document per input in memory.
#pragma once

#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace moonring::app {

struct MergeStats {
  std::size_t documents = 0;
  std::uint64_t bytes = 0;
};

Result<MergeStats> merge_scip(const std::vector<std::string>& inputs, const std::string& output);

// `moonring index merge ...` (argv[first..] after `merge`).
int index_merge_command(int argc, const char* const* argv, int first);

}  // namespace moonring::app
