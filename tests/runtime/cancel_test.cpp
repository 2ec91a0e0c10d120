// Cancellation of kernel operations in flight, and the rent rule: a cancelled read never leaves
// the kernel writing into memory that has been freed (run under ASan).
#include <sys/socket.h>

#include "runtime/io_op.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/stdio.hpp"
#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
// Cancels `source` after `d`.
Task<void> cancel_after(std::chrono::milliseconds d, CancellationSource* source) {
  co_await sleep(d);
  source->cancel();
}
}  // namespace

TEST_CASE("cancelling an in-flight pipe read ends it with ECANCELED") {
  auto rt = test::start_runtime();
  int result = rt->block_on([]() -> Task<int> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    CancellationSource source;
    spawn_detached(cancel_after(10ms, &source));
    auto buffer = std::make_unique<std::byte[]>(4096);
    int r = co_await IoAwaiter::read(pipe->read_end.fd(), buffer.get(), 4096, -1, source.token());
    co_return r;
  });
  CHECK(result == -ECANCELED);
}

TEST_CASE("a cancelled read's buffer can be freed at once: later writes never reach it") {
  auto rt = test::start_runtime();
  rt->block_on([]() -> Task<void> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    for (int round = 0; round < 50; ++round) {
      CancellationSource source;
      spawn_detached(cancel_after(1ms, &source));
      {
        auto buffer = std::make_unique<std::byte[]>(64);
        int r = co_await IoAwaiter::read(pipe->read_end.fd(), buffer.get(), 64, -1, source.token());
        CHECK((r == -ECANCELED || r > 0));
      }  // buffer freed here; ASan would catch a kernel write after this point
      auto w = co_await pipe->write_end.write_all(test::bytes("0123456789"));
      REQUIRE(w.ok());
      std::byte sink[64];
      auto n = co_await pipe->read_end.read_some(sink);
      REQUIRE(n.ok());
    }
  });
}

TEST_CASE("cancelling an in-flight accept") {
  auto rt = test::start_runtime();
  auto err = rt->block_on([]() -> Task<std::string> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    auto r = co_await with_timeout(20ms, listener->accept(), "accept with nobody calling");
    REQUIRE_FALSE(r.ok());
    co_return r.error().message();
  });
  CHECK(err == "accept with nobody calling: timed out");
}

TEST_CASE("cancelling a receive in flight keeps the connection usable") {
  auto rt = test::start_runtime();
  auto got = rt->block_on([]() -> Task<std::string> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    auto client = spawn(TcpStream::connect(listener->local_address()));
    auto server = co_await listener->accept();
    REQUIRE(server.ok());
    auto c = co_await std::move(client);
    REQUIRE(c.ok());
    auto receive = [](TcpStream* s) -> Task<Result<BufferLease>> {
      co_return co_await s->receive();
    };
    auto first = co_await with_timeout(20ms, receive(&*server), "receive");
    CHECK_FALSE(first.ok());
    auto sent = co_await c->send_all(test::bytes("after cancel"));
    REQUIRE(sent.ok());
    auto second = co_await server->receive();
    REQUIRE(second.ok());
    co_return test::text(second->bytes());
  });
  CHECK(got == "after cancel");
}

TEST_CASE("an already-cancelled token never starts the operation") {
  auto rt = test::start_runtime();
  int r = rt->block_on([]() -> Task<int> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    CancellationSource source;
    source.cancel();
    std::byte b[8];
    co_return co_await IoAwaiter::read(pipe->read_end.fd(), b, 8, -1, source.token());
  });
  CHECK(r == -ECANCELED);
}

TEST_CASE("a child source follows its parent") {
  CancellationSource parent;
  CancellationSource child(parent.token());
  CHECK_FALSE(child.cancelled());
  parent.cancel();
  CHECK(child.cancelled());
}
