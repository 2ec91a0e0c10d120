// Discovery awaited from a runtime task: the walk runs on the blocking pool.
#pragma once

#include "runtime/task.hpp"
#include "workspace/discover/discover.hpp"

namespace moonring::workspace {

// co_await discover(options): the whole walk, files sorted by path.
Task<Discovery> discover(DiscoverOptions options);
// Streaming: `sink` runs on the blocking-pool thread as files are found (hand each file on with
// Core::post or a thread-safe queue); the task ends when the walk does.
Task<DiscoverStats> discover(DiscoverOptions options, DiscoverSink sink);

}  // namespace moonring::workspace
