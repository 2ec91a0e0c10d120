// The --listen accept loop (protocol::serve_connections) on real loopback sockets: an accept that
// fails for want of descriptors backs off instead of spinning, says so once, and recovers; a
// connection beyond --max-sessions is closed at once with a line on stderr.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/transport.hpp"
#include "runtime/event.hpp"
#include "runtime/io_op.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"
#include "tests/session/session_harness.hpp"

using namespace moonring;
using namespace std::chrono_literals;

namespace {

// Runs `task` with `token` as its ambient token (what the runtime's stop would cancel).
Task<Result<void>> under(CancellationToken token, Task<Result<void>> task) {
  moonring::detail::AmbientTokenScope scope(token);
  co_return co_await std::move(task);
}

Task<Result<void>> wait_for(Event& event, std::string what) {
  bool set = co_await event.wait();
  if (!set) co_return runtime_error(RuntimeErrc::cancelled, what);
  co_return Result<void>{};
}

// A session that lasts until the client closes its end.
Task<void> until_closed(FdStream& input) {
  std::byte buffer[256];
  for (;;) {
    auto n = co_await input.read_some(buffer);
    if (!n || *n == 0) co_return;
  }
}

}  // namespace

TEST_CASE("listen: accept out of descriptors backs off, says so once, and recovers") {
  auto rt = test::start_runtime();
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  auto stats = std::make_shared<protocol::ListenStats>();
  test::StderrCapture captured;
  struct Seen {
    std::uint64_t attempts_while_full = 0;
    bool served_after = false;
  };
  Seen seen = rt->block_on([&]() -> Task<Seen> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    Event served;
    CancellationSource stop(Core::current()->token());
    auto loop =
        spawn(under(stop.token(), protocol::serve_connections(
                                      *listener, {},
                                      [&served](FdStream&, FdStream&, std::string) -> Task<void> {
                                        served.set();
                                        co_return;
                                      },
                                      stats)));
    // The client's socket exists before the table is full; its connection lands in the
    // backlog, where every accept now fails with EMFILE.
    int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(client >= 0);
    // UBSan checks a virtual call's type the first time it meets it through a pipe, which a full
    // table refuses (a false "invalid vptr"): the error's virtual calls are met here first.
    const Error warm = errno_error(EMFILE, "warm-up");
    CHECK(!is_cancelled(warm));
    CHECK(!warm.message().empty());
    // No Catch2 assertion until the table has room again: it, too, meets types UBSan checks.
    const SocketAddress at = listener->local_address();
    std::vector<int> hogs;
    rlimit low = old;
    low.rlim_cur = 256;
    const bool lowered = setrlimit(RLIMIT_NOFILE, &low) == 0;
    for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) hogs.push_back(fd);
    const int connected = ::connect(client, at.data(), at.size());
    // A measured window: a loop that retries at once makes thousands of attempts in it.
    const std::uint64_t before = stats->accept_attempts;
    co_await sleep(600ms);
    Seen out;
    out.attempts_while_full = stats->accept_attempts - before;
    for (int fd : hogs) ::close(fd);
    const bool restored = setrlimit(RLIMIT_NOFILE, &old) == 0;
    REQUIRE(lowered);
    REQUIRE(restored);
    REQUIRE(connected == 0);
    // Within the longest backoff (1 s) the waiting connection is taken.
    auto recovered = co_await with_timeout(5s, wait_for(served, "served"), "accept to recover");
    out.served_after = recovered.ok();
    stop.cancel();
    REQUIRE_AWAIT_OK(std::move(loop));
    ::close(client);
    co_return out;
  });
  const std::string err = captured.text();
  INFO("stderr: " << err.substr(0, 400));
  CHECK(seen.attempts_while_full >= 2);   // it did retry
  CHECK(seen.attempts_while_full <= 12);  // 10, 20, 40 ... ms apart: 7 in 600 ms
  CHECK(seen.served_after);
  CHECK(stats->accepted == 1);
  CHECK(stats->backoff_episodes == 1);
  CHECK(test::count(err, "Too many open files") == 1);  // once per episode
}

TEST_CASE("listen: a connection beyond --max-sessions is closed at once, with a line on stderr") {
  auto rt = test::start_runtime();
  auto stats = std::make_shared<protocol::ListenStats>();
  test::StderrCapture captured;
  struct Seen {
    bool refused_closed = false;
    bool served_after_one_ended = false;
  };
  Seen seen = rt->block_on([&]() -> Task<Seen> {
    auto listener = TcpListener::bind_loopback(0);
    REQUIRE(listener.ok());
    int started = 0;
    int ended = 0;
    Event two_started, one_ended, third_started;
    protocol::ListenPolicy policy;
    policy.max_sessions = 2;
    CancellationSource stop(Core::current()->token());
    auto loop =
        spawn(under(stop.token(), protocol::serve_connections(
                                      *listener, policy,
                                      [&](FdStream& in, FdStream&, std::string) -> Task<void> {
                                        ++started;
                                        if (started == 2) two_started.set();
                                        if (started == 3) third_started.set();
                                        co_await until_closed(in);
                                        ++ended;
                                        one_ended.set();
                                      },
                                      stats)));
    const SocketAddress at = listener->local_address();
    auto first = co_await TcpStream::connect(at);
    auto second = co_await TcpStream::connect(at);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    REQUIRE_AWAIT_OK(with_timeout(5s, wait_for(two_started, "two"), "two sessions"));
    auto third = co_await TcpStream::connect(at);
    REQUIRE(third.ok());
    std::byte buffer[16];
    auto closed = co_await with_timeout(5s, third->read_some(buffer), "the refused connection");
    Seen out;
    // Closed by the server: end of stream (or a reset), not a time-out.
    out.refused_closed = closed ? *closed == 0 : !is_timed_out(closed.error());
    first->close();
    REQUIRE_AWAIT_OK(with_timeout(5s, wait_for(one_ended, "ended"), "the first session's end"));
    auto fourth = co_await TcpStream::connect(at);
    REQUIRE(fourth.ok());
    auto served = co_await with_timeout(5s, wait_for(third_started, "third"), "a new session");
    out.served_after_one_ended = served.ok();
    second->close();
    third->close();
    fourth->close();
    // The sessions use this frame's events: they end before it does.
    while (ended < started) {
      one_ended.reset();
      REQUIRE_AWAIT_OK(with_timeout(5s, wait_for(one_ended, "ended"), "the sessions' end"));
    }
    stop.cancel();
    REQUIRE_AWAIT_OK(std::move(loop));
    co_return out;
  });
  const std::string err = captured.text();
  INFO("stderr: " << err);
  CHECK(seen.refused_closed);
  CHECK(seen.served_after_one_ended);
  CHECK(stats->refused == 1);
  CHECK(test::count(err, "--max-sessions=2") == 1);
}
