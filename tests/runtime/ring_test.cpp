// A backend under pressure: more operations in flight, and more completions at once, than the
// io_uring submission and completion queues hold (the Asio backend runs the same test).
#include <unistd.h>

#include <array>

#include "runtime/io_op.hpp"
#include "runtime/stdio.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;

TEST_CASE("more operations in flight than the ring has entries") {
  RuntimeConfig config;
  config.backend_options.sq_entries = 4;  // the completion queue holds 16
  auto rt = test::start_runtime(1, config);
  auto results = rt->block_on([]() -> Task<std::vector<int>> {
    constexpr int kPipes = 128;
    std::vector<Pipe> pipes;
    for (int i = 0; i < kPipes; ++i) {
      auto p = make_pipe();
      REQUIRE(p.ok());
      pipes.push_back(std::move(*p));
    }
    CancellationSource odd;
    std::vector<Task<int>> tasks;
    for (int i = 0; i < kPipes; ++i)
      tasks.push_back([](int fd, CancellationToken token) -> Task<int> {
        std::array<std::byte, 16> b;
        co_return co_await IoAwaiter::read(fd, b.data(), b.size(), -1, token);
      }(pipes[i].read_end.fd(), i % 2 ? odd.token() : CancellationToken{}));
    // Runs once every read waits: cancels half of them and feeds the other half, so that one
    // turn queues far more requests than the ring holds and gets far more completions back.
    tasks.push_back([](std::vector<Pipe>* ps, CancellationSource* cancel) -> Task<int> {
      cancel->cancel();
      int written = 0;  // plain writes: every fed read completes in the same turn
      for (std::size_t i = 0; i < ps->size(); i += 2)
        written += static_cast<int>(::write((*ps)[i].write_end.fd(), "x", 1));
      co_return written;
    }(&pipes, &odd));
    co_return co_await when_all(std::move(tasks));
  });
  REQUIRE(results.size() == 129);
  CHECK(results[128] == 64);
  for (int i = 0; i < 128; ++i) {
    INFO("read " << i);
    CHECK(results[i] == (i % 2 ? -ECANCELED : 1));
  }
}
