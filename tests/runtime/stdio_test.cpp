// Pipes and standard streams as async streams.
#include <fcntl.h>
#include <sys/uio.h>

#include "runtime/stdio.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;

TEST_CASE("a pipe carries data between tasks, gathered writes included") {
  auto rt = test::start_runtime();
  auto got = rt->block_on([]() -> Task<std::string> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    auto reader = spawn([](FdStream* in) -> Task<std::string> {
      std::string all;
      std::byte buf[1000];
      for (;;) {
        auto n = co_await in->read_some(buf);
        REQUIRE(n.ok());
        if (*n == 0) co_return all;
        all += test::text(std::span(buf, *n));
      }
    }(&pipe->read_end));
    std::string head = "Content-Length: 5\r\n\r\n", body = "hello";
    iovec iov[2] = {{head.data(), head.size()}, {body.data(), body.size()}};
    REQUIRE_AWAIT_OK(pipe->write_end.writev_all(iov));
    std::string big(300000,
                    'q');  // larger than a pipe's buffer: the writer must wait for the reader
    REQUIRE_AWAIT_OK(pipe->write_end.write_all(test::bytes(big)));
    pipe->write_end.close();
    co_return co_await std::move(reader);
  });
  CHECK(got == "Content-Length: 5\r\n\r\nhello" + std::string(300000, 'q'));
}

TEST_CASE("stdout is a stream that does not close the process's descriptor") {
  auto rt = test::start_runtime();
  rt->block_on([]() -> Task<void> {
    {
      auto out = stdout_stream();
      REQUIRE_AWAIT_OK(out.write_all(test::bytes("")));
    }
    CHECK(::fcntl(1, F_GETFD) != -1);
  });
}
