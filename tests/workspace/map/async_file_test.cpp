// AsyncFile: the states, a blocking wait() from a plain thread, and get() awaited in runtime
// tasks on several cores while the loader finishes the files.
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "tests/runtime/test_support.hpp"
#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/loader.hpp"

using namespace moonring;

TEST_CASE("a file goes from Pending to Ready; wait() gives its bytes") {
  test::TempDir dir;
  auto path = dir.write("s.lua", "return 'hello'\n");
  LoaderConfig config;
  config.threads = 1;
  config.start_paused = true;
  Loader loader(config);
  AsyncFile file = loader.load(path);
  CHECK(file.state() == FileState::pending);
  CHECK_FALSE(file.is_ready());
  loader.resume();
  const auto& result = file.wait();
  REQUIRE(result.ok());
  CHECK(file.state() == FileState::ready);
  CHECK(file.is_ready());
  CHECK(result->text() == "return 'hello'\n");
  CHECK_FALSE(result->mapped());
  CHECK_FALSE(result->stale());
}

TEST_CASE("a missing file ends Failed with the path in its message") {
  test::TempDir dir;
  Loader loader;
  AsyncFile file = loader.load(dir.path() + "/nope.lua");
  const auto& result = file.wait();
  REQUIRE_FALSE(result.ok());
  CHECK(file.state() == FileState::failed);
  CHECK(result.error().message() == "open " + dir.path() + "/nope.lua: No such file or directory");
}

TEST_CASE("large files are mapped and prefaulted, small ones copied") {
  test::TempDir dir;
  std::string big = test::lua_text(3 * 65536 + 3, 5);
  auto big_path = dir.write("big.lua", big);
  auto small_path = dir.write("small.lua", "x = 1\n");
  LoaderConfig config;
  config.map_threshold = 65536;
  Loader loader(config);
  auto files = loader.load_many({{big_path}, {small_path, 6}});
  const auto& b = files[0].wait();
  const auto& s = files[1].wait();
  REQUIRE(b.ok());
  REQUIRE(s.ok());
  CHECK(b->mapped());
  CHECK(b->text() == big);
  CHECK_FALSE(s->mapped());
  CHECK(s->text() == "x = 1\n");
}

TEST_CASE("wait() from many plain threads at once") {
  test::TempDir dir;
  std::vector<LoadRequest> requests;
  for (int i = 0; i < 200; ++i)
    requests.push_back({dir.write("f" + std::to_string(i) + ".lua", test::lua_text(3000, i))});
  Loader loader;
  auto files = loader.load_many(requests);
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 200; i += 4)
        if (files[i].wait().ok() && files[i].wait()->text() == test::lua_text(3000, i)) ++good;
    });
  for (auto& th : threads) th.join();
  CHECK(good == 200);
}

TEST_CASE("get() is awaited from runtime tasks on two cores") {
  test::TempDir dir;
  std::vector<LoadRequest> requests;
  for (int i = 0; i < 300; ++i)
    requests.push_back({dir.write("g" + std::to_string(i) + ".lua", test::lua_text(2000 + i, i))});
  LoaderConfig config;
  config.start_paused = true;  // so that the tasks really suspend before the files are ready
  Loader loader(config);
  auto files = loader.load_many(requests);
  auto rt = test::start_runtime(2);
  std::atomic<int> good{0};
  // Each task counts itself in right before its first get(), which then suspends (the loader is
  // paused); the loader resumes once both are in.
  std::latch waiting(2);
  std::thread resumer([&] {
    waiting.wait();
    loader.resume();
  });
  std::vector<std::thread> callers;
  for (unsigned core = 0; core < 2; ++core)
    callers.emplace_back([&, core] {
      rt->block_on(
          [&, core]() -> Task<void> {
            waiting.count_down();
            for (unsigned i = core; i < files.size(); i += 2) {
              const auto& r = co_await files[i].get();
              if (r.ok() && r->text() == test::lua_text(2000 + i, i)) ++good;
            }
          },
          core);
    });
  for (auto& c : callers) c.join();
  resumer.join();
  CHECK(good == 300);
}

TEST_CASE("get() of files a task keeps lets the loader past its run-ahead window") {
  test::TempDir dir;
  std::vector<LoadRequest> requests;
  for (int i = 0; i < 200; ++i)
    requests.push_back(
        {dir.write("w" + std::to_string(i) + ".lua", test::lua_text(1000, i)), 1000});
  LoaderConfig config;
  config.run_ahead = 3 * 1000;  // the window alone would stop the workers after three files
  auto loader = std::make_unique<Loader>(config);
  auto files = loader->load_many(requests);
  auto rt = test::start_runtime(1);
  std::promise<void> finished;
  auto done = finished.get_future();
  // Bounded: were the workers stuck at the window, destroying the loader fails the rest.
  std::thread watchdog([&] {
    if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) loader.reset();
  });
  // Every file is kept (the handles): only the gets waiting for files not taken yet move the
  // workers on.
  int good = rt->block_on([&]() -> Task<int> {
    int n = 0;
    for (unsigned i = 0; i < files.size(); ++i) {
      const auto& r = co_await files[i].get();
      if (r.ok() && r->text() == test::lua_text(1000, i)) ++n;
    }
    co_return n;
  });
  finished.set_value();
  watchdog.join();
  CHECK(good == 200);
}

TEST_CASE("a get() whose file is already there does not suspend") {
  test::TempDir dir;
  auto path = dir.write("r.lua", "return true\n");
  Loader loader;
  AsyncFile file = loader.load(path);
  REQUIRE(file.wait().ok());
  auto rt = test::start_runtime(1);
  auto text = rt->block_on([&]() -> Task<std::string> {
    const auto& r = co_await file.get();
    co_return r.ok() ? std::string(r->text()) : r.error().message();
  });
  CHECK(text == "return true\n");
}
