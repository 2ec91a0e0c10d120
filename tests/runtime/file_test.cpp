// Files: create, write, positioned reads and writes, sync, metadata, a file truncated while
// it is being read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string_view>
#include <thread>

#include "runtime/file.hpp"
#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "moonring-file-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}
}  // namespace

TEST_CASE("write then read a file, sequentially and at offsets") {
  auto rt = test::start_runtime();
  std::string dir = temp_dir();
  std::string path = dir + "/a.lua";
  auto content = rt->block_on([path]() -> Task<std::string> {
    auto f = co_await File::create(path);
    REQUIRE(f.ok());
    REQUIRE_AWAIT_OK(f->write(test::bytes("local x = 1\n")));
    REQUIRE_AWAIT_OK(f->write_all_at(test::bytes("y"), 6));
    REQUIRE_AWAIT_OK(f->sync());
    REQUIRE_AWAIT_OK(f->sync_data());
    REQUIRE_AWAIT_OK(f->close());

    auto g = co_await File::open(path);
    REQUIRE(g.ok());
    std::string out(64, '\0');
    auto n = co_await g->read_full_at(std::as_writable_bytes(std::span(out)), 0);
    REQUIRE(n.ok());
    out.resize(*n);
    co_return out;
  });
  CHECK(content == "local y = 1\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("metadata reports size, type and times") {
  auto rt = test::start_runtime();
  std::string dir = temp_dir();
  std::string path = dir + "/m.lua";
  auto [size, type, dir_type, mtime] =
      rt->block_on([&]() -> Task<std::tuple<uint64_t, FileType, FileType, long>> {
        auto f = co_await File::create(path);
        REQUIRE(f.ok());
        REQUIRE_AWAIT_OK(f->write(test::bytes("return 42\n")));
        auto m = co_await f->metadata();
        REQUIRE(m.ok());
        auto d = co_await File::metadata(dir);
        REQUIRE(d.ok());
        co_return std::tuple{m->size, m->type, d->type, static_cast<long>(m->modified.tv_sec)};
      });
  CHECK(size == 10);
  CHECK(type == FileType::regular);
  CHECK(dir_type == FileType::directory);
  CHECK(mtime > 1600000000);
  std::filesystem::remove_all(dir);
}

TEST_CASE("errors name the operation and the path") {
  auto rt = test::start_runtime();
  auto message = rt->block_on([]() -> Task<std::string> {
    auto f = co_await File::open("/nonexistent/dir/x.lua");
    REQUIRE_FALSE(f.ok());
    co_return f.error().message();
  });
  CHECK(message == "open /nonexistent/dir/x.lua: No such file or directory");
}

TEST_CASE("a file truncated while it is being read gives a short read, not a crash") {
  auto rt = test::start_runtime();
  std::string dir = temp_dir();
  std::string path = dir + "/t.lua";
  auto total = rt->block_on([path]() -> Task<std::size_t> {
    auto f = co_await File::create(path);
    REQUIRE(f.ok());
    std::string big(1 << 20, 'x');
    REQUIRE_AWAIT_OK(f->write_all_at(test::bytes(big), 0));
    auto r = co_await File::open(path);
    REQUIRE(r.ok());
    std::vector<std::byte> chunk(64 * 1024);
    std::size_t got = 0;
    for (uint64_t off = 0;; off += chunk.size()) {
      if (off == 256 * 1024) REQUIRE(::truncate(path.c_str(), 300 * 1024) == 0);
      auto n = co_await r->read_at(chunk, off);
      REQUIRE(n.ok());
      if (*n == 0) break;
      got += *n;
    }
    co_return got;
  });
  CHECK(total == 300 * 1024);
  std::filesystem::remove_all(dir);
}

TEST_CASE("opening a FIFO that has no writer leaves the core free and can be cancelled") {
  std::string dir = temp_dir();
  std::string fifo = dir + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening the FIFO read-write never blocks and gives any open of it waiting a writer: the
  // watchdog does so if the test is stuck, and the test at its end (for an open left running).
  int writer = -1;
  std::promise<void> finished;
  auto done = finished.get_future();
  std::thread watchdog([&] {
    if (done.wait_for(3s) != std::future_status::ready)
      writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  });
  auto rt = test::start_runtime();
  auto ticked_after = std::make_shared<std::atomic<long>>(-1);
  auto start = std::chrono::steady_clock::now();
  auto message = rt->block_on([fifo, ticked_after, start]() -> Task<std::string> {
    // Another task on the same core: its timer must fire while the open waits.
    spawn_detached([](std::shared_ptr<std::atomic<long>> t,
                      std::chrono::steady_clock::time_point s) -> Task<void> {
      co_await sleep(20ms);
      *t = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 s)
               .count();
    }(ticked_after, start));
    auto f = co_await with_timeout(200ms, File::open(fifo), "open the FIFO");
    co_await sleep(100ms);  // the other task's timer is due meanwhile in any case
    co_return f.ok() ? std::string("opened") : f.error().message();
  });
  auto waited = std::chrono::steady_clock::now() - start;
  finished.set_value();
  watchdog.join();
  // The Asio backend opens on the blocking pool, where the open waits for a writer until it is
  // cancelled; io_uring's first attempt at an open does not wait (it opens the FIFO at once).
  if (std::string_view(std::getenv("MOONRING_BACKEND") ? std::getenv("MOONRING_BACKEND") : "") ==
      "asio")
    CHECK(message == "open the FIFO: timed out");
  else
    CHECK((message == "open the FIFO: timed out" || message == "opened"));
  CHECK(waited < 1s);
  CHECK(*ticked_after >= 0);
  CHECK(*ticked_after < 150);
  if (writer < 0) writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  rt.reset();
  ::close(writer);
  std::filesystem::remove_all(dir);
}
