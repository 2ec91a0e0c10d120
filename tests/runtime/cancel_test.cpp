// Cancellation of kernel operations in flight, and the rent rule: a cancelled read has ended in
// the kernel before it resumes, so its buffer is never written afterwards.
#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "runtime/io_op.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/stdio.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"
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

TEST_CASE("the rent rule: a cancelled read's buffer is never written after it resumes") {
  // After the cancelled read resumes, its buffer is filled with a canary and bytes are written
  // to the pipe: if the kernel (or the Asio backend) still held the read, the bytes would land
  // in the canary and the next read would not get them.
  auto rt = test::start_runtime();
  rt->block_on([]() -> Task<void> {
    auto pipe = make_pipe();
    REQUIRE(pipe.ok());
    constexpr std::byte kCanary{0xA5};
    std::array<std::byte, 64> buffer;
    for (int round = 0; round < 20; ++round) {
      CancellationSource source;
      if (round % 2 == 0)
        spawn_detached([](CancellationSource* s) -> Task<void> {  // runs once the read waits
          s->cancel();
          co_return;
        }(&source));
      else
        spawn_detached(cancel_after(1ms, &source));
      int r = co_await IoAwaiter::read(pipe->read_end.fd(), buffer.data(), 64, -1, source.token());
      REQUIRE(r == -ECANCELED);
      buffer.fill(kCanary);
      REQUIRE_AWAIT_OK(pipe->write_end.write_all(test::bytes("0123456789")));
      std::array<std::byte, 64> sink{};
      auto read_next = [](FdStream* in, std::span<std::byte> to) -> Task<Result<std::size_t>> {
        co_return co_await in->read_some(to);
      };
      auto n = co_await with_timeout(500ms, read_next(&pipe->read_end, sink), "next read");
      std::string next = n.ok() ? test::text(std::span(sink).first(*n)) : n.error().message();
      bool canary_whole =
          std::all_of(buffer.begin(), buffer.end(), [&](std::byte b) { return b == kCanary; });
      CHECK(next == "0123456789");
      CHECK(canary_whole);
      if (!n.ok() || !canary_whole) FAIL("the rent rule broke in round " << round);
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

TEST_CASE("a receive issued again right after a cancelled one gets the next bytes") {
  // The first receive is cancelled from the ready queue (a when_any sibling that finishes at
  // once) and the second is issued in the same loop turn, while the cancelled multishot receive
  // is still in flight: its final completion must re-arm for the new waiter.
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
    auto at_once = []() -> Task<Result<BufferLease>> { co_return BufferLease{}; };
    std::vector<Task<Result<BufferLease>>> racers;
    racers.push_back(receive(&*server));
    racers.push_back(at_once());
    auto first = co_await when_any(std::move(racers));
    CHECK(first.index == 1);
    // Sent once the second receive waits (this task is suspended in it by then).
    auto sender = spawn([](TcpStream* s) -> Task<Result<void>> {
      co_return co_await s->send_all(test::bytes("after cancel"));
    }(&*c));
    auto second = co_await with_timeout(2s, receive(&*server), "second receive");
    REQUIRE_AWAIT_OK(std::move(sender));
    if (!second.ok()) FAIL(second.error().message());
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
