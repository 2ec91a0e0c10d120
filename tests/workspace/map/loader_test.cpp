// The loader: urgent files jump the queue, memory stays under its limit, and handles give their
// memory back at scope end, also when an exception unwinds the scope.
#include <dirent.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/loader.hpp"

using namespace moonring;

namespace {
// The ids of this process's threads.
std::set<std::string> thread_ids() {
  std::set<std::string> ids;
  DIR* d = opendir("/proc/self/task");
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ids.insert(e->d_name);
  closedir(d);
  return ids;
}

// Whether thread `tid` blocks SIGINT and SIGTERM (its SigBlk line in /proc).
bool blocks_stop_signals(const std::string& tid) {
  std::ifstream status("/proc/self/task/" + tid + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigBlk:", 0) != 0) continue;
    unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
    return (mask >> (SIGINT - 1) & 1) && (mask >> (SIGTERM - 1) & 1);
  }
  return false;
}

std::vector<LoadRequest> make_tree(const test::TempDir& dir, int n, std::size_t size) {
  std::vector<LoadRequest> requests;
  for (int i = 0; i < n; ++i)
    requests.push_back({dir.write("t" + std::to_string(i) + ".lua",
                                  test::lua_text(size, static_cast<unsigned>(i))),
                        size});
  return requests;
}
}  // namespace

TEST_CASE("a requested file is loaded before the rest of the tree") {
  test::TempDir dir;
  auto requests = make_tree(dir, 100, 1000);
  LoaderConfig config;
  config.threads = 1;  // one worker, one file per batch: the completion order is the queue order
  config.batch = 1;
  config.start_paused = true;
  Loader loader(config);
  auto files = loader.load_many(requests);
  AsyncFile late = loader.request(requests[90].path);  // queued already: it moves to the front
  AsyncFile fresh = loader.request(dir.write("new.lua", "return 0\n"));  // not queued before
  loader.resume();
  for (auto& f : files) REQUIRE(f.wait().ok());
  REQUIRE(late.wait().ok());
  REQUIRE(fresh.wait().ok());
  // Requests are pushed to the front: the last request first, then the one before.
  CHECK(fresh.completion_sequence() == 0);
  CHECK(late.completion_sequence() == 1);
  CHECK(files[90].completion_sequence() == 1);  // the same file, loaded once
  CHECK(late.wait()->text() == test::lua_text(1000, 90));
  for (int i = 0; i < 100; ++i)
    if (i != 90)
      CHECK(files[i].completion_sequence() == static_cast<uint64_t>(i < 90 ? i + 2 : i + 1));
}

TEST_CASE("a consumer taking files in order is woken once per batch, not once per file") {
  test::TempDir dir;
  constexpr int kFiles = 640;
  constexpr int kBatch = 64;
  auto requests = make_tree(dir, kFiles, 200);
  LoaderConfig config;
  config.threads = 1;
  config.batch = kBatch;
  config.batch_bytes = 1u << 30;  // the count bounds the batches, not the bytes
  config.start_paused = true;
  Loader loader(config);
  auto files = loader.load_many(requests);
  loader.resume();
  // A batch is published last file first: once the file the consumer waits for is there, so is
  // the rest of its batch, and the consumer blocks at most once per batch.
  int blocked = 0;
  for (auto& f : files) {
    if (!f.is_ready()) ++blocked;
    REQUIRE(f.wait().ok());
  }
  CHECK(blocked <= kFiles / kBatch);
  // Deterministic witness of the same order: the sequence numbers count publications.
  for (int i = 0; i < kFiles; ++i)
    CHECK(files[i].completion_sequence() ==
          static_cast<uint64_t>(i / kBatch * kBatch + (kBatch - 1 - i % kBatch)));
}

TEST_CASE("loaded files outlive their loader and give their memory back after it") {
  test::TempDir dir;
  auto requests = make_tree(dir, 300, 1000);
  std::vector<AsyncFile> files;
  {
    LoaderConfig config;
    config.threads = 2;
    config.batch = 16;  // several batches, each sharing one lease group
    Loader loader(config);
    files = loader.load_many(requests);
    for (auto& f : files) REQUIRE(f.wait().ok());
  }
  // The leases keep their groups, and the groups the budget, alive (ASan: no use after free, and
  // the last release frees them: no leak).
  for (int i = 0; i < 300; i += 7)
    CHECK(files[i].wait()->text() == test::lua_text(1000, static_cast<unsigned>(i)));
  for (auto& f : files) f.release();
}

TEST_CASE("an urgent request is served while the tree is loading") {
  test::TempDir dir;
  auto requests = make_tree(dir, 2000, 4000);
  Loader loader;
  auto files = loader.load_many(requests);
  AsyncFile late = loader.request(requests[1999].path);
  REQUIRE(late.wait().ok());
  CHECK(late.wait()->text() == test::lua_text(4000, 1999));
  // Well before the tree's end (the urgent queue is looked at between files).
  CHECK(late.completion_sequence() < 1999);
}

TEST_CASE("the loader never holds more than its memory limit, and waits for releases") {
  test::TempDir dir;
  auto requests = make_tree(dir, 40, 16384);
  LoaderConfig config;
  config.memory_limit = 4 * 16384;
  config.urgent_reserve = 16384;  // background files get three files' worth
  Loader loader(config);
  auto files = loader.load_many(requests);
  // Nothing is released: after the first three the loader must stop. The reserve still lets an
  // urgent file through, which could not fit had a fourth background file been admitted.
  REQUIRE(files[2].wait().ok());
  AsyncFile urgent = loader.request(requests[30].path);
  REQUIRE(urgent.wait().ok());
  CHECK(loader.bytes_in_use() == 4 * 16384);
  CHECK_FALSE(files[3].is_ready());
  urgent.release();
  files[30].release();
  // Release as we consume: every file arrives, the peak stays at the limit.
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i == 30) continue;
    const auto& r = files[i].wait();
    REQUIRE(r.ok());
    CHECK(r->text() == test::lua_text(16384, static_cast<unsigned>(i)));
    files[i].release();
  }
  CHECK(loader.peak_bytes() <= config.memory_limit);
  CHECK(test::settled_bytes(loader) == 0);
}

TEST_CASE("background reads stay within run_ahead of a consumer that releases in order") {
  test::TempDir dir;
  auto requests = make_tree(dir, 400, 1000);
  LoaderConfig config;
  config.threads = 2;
  config.batch = 8;
  config.run_ahead = 16 * 1000;  // two batches
  Loader loader(config);
  auto files = loader.load_many(requests);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& r = files[i].wait();
    REQUIRE(r.ok());
    CHECK(r->text() == test::lua_text(1000, static_cast<unsigned>(i)));
    files[i].release();
  }
  // Unbounded, the two workers are hundreds of files ahead of this consumer.
  CHECK(loader.peak_bytes() <= config.run_ahead);
  CHECK(test::settled_bytes(loader) == 0);
}

TEST_CASE("a consumer that keeps every file still gets each one it waits for") {
  test::TempDir dir;
  auto requests = make_tree(dir, 100, 1000);
  LoaderConfig config;
  config.threads = 2;
  config.batch = 4;
  config.run_ahead = 3 * 1000;  // the window alone would stop the workers after three files
  auto loader = std::make_unique<Loader>(config);
  auto files = loader->load_many(requests);
  std::atomic<int> loaded{0};
  std::promise<void> finished;
  auto done = finished.get_future();
  // Each wait() for a file no worker has taken lets the workers past the window.
  std::thread consumer([&] {
    for (auto& f : files)
      if (f.wait().ok()) ++loaded;
    finished.set_value();
  });
  // Bounded: were the workers stuck at the window, destroying the loader fails the rest.
  bool in_time = done.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  CHECK(in_time);
  if (in_time) CHECK(loader->bytes_in_use() == 100 * 1000);
  loader.reset();
  consumer.join();
  CHECK(loaded == 100);
}

TEST_CASE("a file larger than the whole limit is loaded alone") {
  test::TempDir dir;
  auto path = dir.write("huge.lua", test::lua_text(100000, 9));
  LoaderConfig config;
  config.memory_limit = 50000;
  Loader loader(config);
  AsyncFile f = loader.load(path);
  REQUIRE(f.wait().ok());
  CHECK(loader.bytes_in_use() == 100000);
  f.release();
  CHECK(test::settled_bytes(loader) == 0);
}

TEST_CASE("handles give their memory back when an exception unwinds their scope") {
  test::TempDir dir;
  auto requests = make_tree(dir, 10, 5000);
  requests.push_back({dir.write("big.lua", test::lua_text(300000, 1)), kUnknownSize});
  LoaderConfig config;
  config.map_threshold = 100000;  // the big one is mapped
  Loader loader(config);
  try {
    auto files = loader.load_many(requests);
    for (auto& f : files) REQUIRE(f.wait().ok());
    CHECK(files.back().wait()->mapped());
    CHECK(loader.bytes_in_use() == 10 * 5000 + 300000);
    throw std::runtime_error("the parser gave up");
  } catch (const std::runtime_error&) {
  }
  CHECK(test::settled_bytes(loader) == 0);
}

TEST_CASE("files whose handles are all dropped before loading are not loaded") {
  test::TempDir dir;
  auto requests = make_tree(dir, 50, 5000);
  LoaderConfig config;
  config.start_paused = true;
  Loader loader(config);
  { auto files = loader.load_many(requests); }  // every handle gone while the files are queued
  loader.resume();
  AsyncFile last = loader.load(requests.back().path);
  REQUIRE(last.wait().ok());
  CHECK(last.completion_sequence() == 0);  // nothing was loaded before it
  CHECK(loader.peak_bytes() == 5000);
  last.release();
  CHECK(test::settled_bytes(loader) == 0);
}

TEST_CASE("destroying the loader fails the files it never started") {
  test::TempDir dir;
  auto requests = make_tree(dir, 20, 100);
  std::vector<AsyncFile> files;
  {
    LoaderConfig config;
    config.start_paused = true;
    Loader loader(config);
    files = loader.load_many(requests);
  }
  for (auto& f : files) {
    const auto& r = f.wait();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("load " + dir.path()) == 0);
  }
}

TEST_CASE("loader workers block SIGINT and SIGTERM") {
  auto before = thread_ids();
  LoaderConfig config;
  config.threads = 2;
  Loader loader(config);
  int workers = 0;
  for (const std::string& tid : thread_ids()) {
    if (before.count(tid)) continue;
    ++workers;
    INFO("thread " << tid);
    CHECK(blocks_stop_signals(tid));
  }
  CHECK(workers == 2);
}
