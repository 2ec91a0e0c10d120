// The awaitable walk: it runs on the blocking pool and the task resumes on its own core.
#include <atomic>
#include <thread>

#include "tests/runtime/test_support.hpp"
#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/discover/discover_async.hpp"

using namespace moonring;
using namespace moonring::workspace;

TEST_CASE("co_await discover(...) walks on the blocking pool") {
  test::TempTree t;
  t.add_all({{"a.lua", ""}, {"d/b.lua", "xy"}, {"big.lua", std::string(2000, 'x')}});
  auto rt = test::start_runtime();
  auto core_thread = std::make_shared<std::thread::id>();
  auto d = rt->block_on([&]() -> Task<Discovery> {
    *core_thread = std::this_thread::get_id();
    DiscoverOptions o;
    o.roots = {t.root()};
    o.max_file_size = 1000;
    Discovery got = co_await discover(o);
    CHECK(std::this_thread::get_id() == *core_thread);  // resumed on its own core
    co_return got;
  });
  REQUIRE(d.files.size() == 2);
  CHECK(d.files[0].path == t.path("a.lua"));
  CHECK(d.files[1].path == t.path("d/b.lua"));
  CHECK(d.files[1].size == 2);
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].kind == ProblemKind::too_large);
}

TEST_CASE("the streaming form calls the sink on a pool thread, file by file") {
  test::TempTree t;
  for (int i = 0; i < 50; ++i)
    t.add("d" + std::to_string(i % 5) + "/" + std::to_string(i) + ".lua");
  auto rt = test::start_runtime();
  std::atomic<int> on_core{0}, total{0};
  auto stats = rt->block_on([&]() -> Task<DiscoverStats> {
    auto core_thread = std::this_thread::get_id();
    DiscoverOptions o;
    o.roots = {t.root()};
    DiscoverSink sink{[&, core_thread](DiscoveredFile&&) {
                        ++total;
                        if (std::this_thread::get_id() == core_thread) ++on_core;
                      },
                      {}};
    co_return co_await discover(o, sink);
  });
  CHECK(stats.files == 50);
  CHECK(total == 50);
  CHECK(on_core == 0);
}
