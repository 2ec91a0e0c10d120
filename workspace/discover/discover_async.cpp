// The awaitable wrappers around the walk (see discover_async.hpp).
#include "workspace/discover/discover_async.hpp"

#include "runtime/blocking_pool.hpp"

namespace moonring::workspace {

Task<Discovery> discover(DiscoverOptions options) {
  // The options live in this frame, which stays suspended until the pool job has finished.
  co_return co_await run_blocking([&options] { return collect_files(options); });
}

Task<DiscoverStats> discover(DiscoverOptions options, DiscoverSink sink) {
  co_return co_await run_blocking([&options, &sink] { return discover_files(options, sink); });
}

}  // namespace moonring::workspace
