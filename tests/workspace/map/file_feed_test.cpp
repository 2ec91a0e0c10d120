// FileFeed: files pushed from plain threads while tasks on two cores take them; every file is
// taken exactly once, tasks that found the feed empty are handed the next file or the end.
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "tests/runtime/test_support.hpp"
#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

using namespace moonring;

namespace {

// Takes files until the end on core `core`, recording each index and whether its text is right.
Task<void> drain(FileFeed& feed, std::vector<int>& taken_count, std::atomic<int>& good,
                 std::atomic<int>& taken_total) {
  for (;;) {
    const std::optional<std::size_t> index = co_await feed.take();
    if (!index) co_return;
    ++taken_count[*index];
    taken_total.fetch_add(1);
    taken_total.notify_all();
    const auto& r = co_await feed.at(*index).get();
    if (r.ok() && r->text() == test::lua_text(100 + *index, static_cast<int>(*index))) ++good;
    feed.at(*index).release();
  }
}

}  // namespace

TEST_CASE("files pushed by two threads while two cores take them are each taken once") {
  test::TempDir dir;
  constexpr int kFiles = 400;
  std::vector<std::string> paths;
  for (int i = 0; i < kFiles; ++i)
    paths.push_back(dir.write("f" + std::to_string(i) + ".lua", test::lua_text(100 + i, i)));
  Loader loader;
  FileFeed feed;
  auto rt = test::start_runtime(2);
  // One thread pushes the files one by one; every 50 files it waits until the cores have taken
  // all it pushed, so that they run dry and park. The feed's numbering follows the order of
  // pushes, which this single pusher fixes.
  std::atomic<int> taken_total{0};
  std::thread pusher([&] {
    for (int i = 0; i < kFiles; ++i) {
      if (i % 50 == 0) {
        for (int seen; (seen = taken_total.load()) < i;) taken_total.wait(seen);
        std::vector<AsyncFile> batch;
        for (int j = i; j < i + 10; ++j) batch.push_back(loader.load(paths[j]));
        feed.push(batch);
        CHECK(batch.empty());
        i += 9;
        continue;
      }
      feed.push(loader.load(paths[i]));
    }
    feed.close();
  });
  std::vector<int> taken(kFiles, 0);
  std::vector<int> taken_by_1(kFiles, 0);
  std::atomic<int> good{0};
  std::thread other(
      [&] { rt->block_on([&] { return drain(feed, taken_by_1, good, taken_total); }, 1); });
  rt->block_on([&] { return drain(feed, taken, good, taken_total); }, 0);
  other.join();
  pusher.join();
  REQUIRE(feed.size() == kFiles);
  int once = 0;
  for (int i = 0; i < kFiles; ++i) once += taken[i] + taken_by_1[i] == 1;
  CHECK(once == kFiles);
  CHECK(good == kFiles);
}

TEST_CASE("each file keeps the tag it was pushed with") {
  test::TempDir dir;
  Loader loader;
  FileFeed feed;
  feed.push(loader.load(dir.write("a.lua", "a = 1\n")));
  std::vector<AsyncFile> batch;
  batch.push_back(loader.load(dir.write("b.lua", "b = 1\n")));
  batch.push_back(loader.load(dir.write("c.lua", "c = 1\n")));
  feed.push(batch, 7);
  feed.push(loader.load(dir.write("d.lua", "d = 1\n")), 1);
  feed.close();
  REQUIRE(feed.size() == 4);
  CHECK(feed.tag(0) == 0);
  CHECK(feed.tag(1) == 7);
  CHECK(feed.tag(2) == 7);
  CHECK(feed.tag(3) == 1);
  CHECK(feed.at(2).path() == dir.path() + "/c.lua");
}

TEST_CASE("a task waiting on an empty feed gets the end when it closes") {
  FileFeed feed;
  auto rt = test::start_runtime(1);
  // The task says when it is about to take (the take then parks: nothing was pushed).
  std::promise<void> taking;
  std::thread closer([&, about_to_take = taking.get_future()] {
    about_to_take.wait();
    feed.close();
  });
  const bool ended = rt->block_on([&]() -> Task<bool> {
    taking.set_value();
    const std::optional<std::size_t> index = co_await feed.take();
    co_return !index.has_value();
  });
  closer.join();
  CHECK(ended);
  CHECK(feed.size() == 0);
}
