// TCP: echo over loopback, errors that name the peer, a peer that resets mid-write, and running
// out of file descriptors while accepting.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/event.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {
// Echoes what arrives until the peer closes.
Task<void> echo(TcpStream s) {
  for (;;) {
    auto lease = co_await s.receive();
    if (!lease || lease->empty()) co_return;
    if (!(co_await s.send_all(lease->bytes()))) co_return;
  }
}

// Sends while it receives, so a message larger than the socket buffers cannot deadlock.
Task<std::string> round_trip(SocketAddress to, std::string message) {
  auto c = co_await TcpStream::connect(to);
  REQUIRE(c.ok());
  auto sender = spawn([](TcpStream* s, std::string* m) -> Task<void> {
    REQUIRE_AWAIT_OK(s->send_all(test::bytes(*m)));
  }(&*c, &message));
  std::string got;
  while (got.size() < message.size()) {
    auto lease = co_await c->receive();
    REQUIRE(lease.ok());
    REQUIRE_FALSE(lease->empty());
    got += test::text(lease->bytes());
  }
  co_await std::move(sender);
  co_return got;
}
}  // namespace

TEST_CASE("tcp echo over loopback, many connections at once") {
  auto rt = test::start_runtime();
  auto replies = rt->block_on([]() -> Task<std::vector<std::string>> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    SocketAddress addr = listener->local_address();
    CHECK(addr.to_string().rfind("127.0.0.1:", 0) == 0);
    constexpr int kClients = 64;
    auto server = spawn([](TcpListener* l) -> Task<void> {
      for (int i = 0; i < kClients; ++i) {
        auto s = co_await l->accept();
        REQUIRE(s.ok());
        spawn_detached(echo(std::move(*s)));
      }
    }(&*listener));
    std::vector<Task<std::string>> clients;
    for (int i = 0; i < kClients; ++i)
      clients.push_back(round_trip(addr, "hello " + std::to_string(i) + std::string(5000, 'z')));
    auto out = co_await when_all(std::move(clients));
    co_await std::move(server);
    co_return out;
  });
  REQUIRE(replies.size() == 64);
  for (int i = 0; i < 64; ++i) {
    std::string expected = "hello " + std::to_string(i) + std::string(5000, 'z');
    CHECK(replies[i].size() == expected.size());
    CHECK(replies[i] == expected);
  }
}

TEST_CASE("a large message crosses intact (more than the receive pool holds)") {
  auto rt = test::start_runtime();
  auto ok = rt->block_on([]() -> Task<bool> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    std::string big(8 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    auto server = spawn([](TcpListener* l) -> Task<void> {
      auto s = co_await l->accept();
      REQUIRE(s.ok());
      co_await echo(std::move(*s));
    }(&*listener));
    std::string got = co_await round_trip(listener->local_address(), big);
    co_await std::move(server);
    co_return got == big;
  });
  CHECK(ok);
}

TEST_CASE("connecting to a closed port names the address") {
  auto rt = test::start_runtime();
  auto message = rt->block_on([]() -> Task<std::string> {
    uint16_t port;
    {
      auto l = TcpListener::bind_loopback(0);  // find a free port, then free it
      REQUIRE(l.ok());
      port = l->local_address().port();
    }
    auto c = co_await TcpStream::connect(SocketAddress::loopback(port));
    REQUIRE_FALSE(c.ok());
    co_return c.error().message();
  });
  CHECK(message.find("connect 127.0.0.1:") == 0);
  CHECK(message.find("Connection refused") != std::string::npos);
}

TEST_CASE("a peer that resets in the middle of a write gives an error, and the server goes on") {
  auto rt = test::start_runtime();
  auto [write_error, next_ok] = rt->block_on([]() -> Task<std::pair<std::string, bool>> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    SocketAddress addr = listener->local_address();
    auto client = co_await TcpStream::connect(addr);
    REQUIRE(client.ok());
    auto server_side = co_await listener->accept();
    REQUIRE(server_side.ok());
    // The server starts a write far larger than the socket buffers; the client resets once the
    // first megabyte has gone and the rest waits for room.
    Event writing;
    auto writer = spawn([](TcpStream* s, Event* started) -> Task<std::string> {
      std::string huge(64 << 20, 'x');
      auto all = test::bytes(huge);
      auto r = co_await s->send_all(all.first(1 << 20));
      started->set();
      if (r.ok()) r = co_await s->send_all(all.subspan(1 << 20));
      co_return r.ok() ? std::string("no error") : r.error().message();
    }(&*server_side, &writing));
    co_await writing.wait();
    linger lg{1, 0};  // close with RST
    REQUIRE(setsockopt(client->fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
    client->close();
    std::string err = co_await std::move(writer);
    // The listener still serves a new connection.
    auto server = spawn([](TcpListener* l) -> Task<void> {
      auto s = co_await l->accept();
      REQUIRE(s.ok());
      co_await echo(std::move(*s));
    }(&*listener));
    std::string again = co_await round_trip(addr, "still here");
    co_await std::move(server);
    co_return std::pair{err, again == "still here"};
  });
  INFO(write_error);
  CHECK((write_error.find("Connection reset") != std::string::npos ||
         write_error.find("Broken pipe") != std::string::npos));
  CHECK(next_ok);
}

TEST_CASE("running out of file descriptors: accept fails clearly, then recovers") {
  auto rt = test::start_runtime();
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  auto [error, recovered] = rt->block_on([&old]() -> Task<std::pair<std::string, bool>> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    SocketAddress addr = listener->local_address();
    // The client connects first (the kernel completes the handshake into the backlog), then the
    // process runs out of descriptors before the server accepts.
    auto client = co_await TcpStream::connect(addr);
    REQUIRE(client.ok());
    std::vector<int> hogs;
    rlimit low = old;
    low.rlim_cur = 256;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (;;) {
      int fd = ::dup(0);
      if (fd < 0) break;
      hogs.push_back(fd);
    }
    auto failed = co_await listener->accept();
    std::string message = failed.ok() ? "accepted?" : failed.error().message();
    for (int fd : hogs) ::close(fd);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &old) == 0);
    auto accepted = co_await listener->accept();
    bool ok = accepted.ok();
    if (ok) {
      REQUIRE_AWAIT_OK(client->send_all(test::bytes("ping")));
      auto lease = co_await accepted->receive();
      ok = lease.ok() && test::text(lease->bytes()) == "ping";
    }
    co_return std::pair{message, ok};
  });
  CHECK(error.find("accept on 127.0.0.1:") == 0);
  CHECK(error.find("Too many open files") != std::string::npos);
  CHECK(recovered);
}
