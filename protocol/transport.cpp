// Transports (see transport.hpp).
#include "protocol/transport.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "runtime/io_op.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/spawn.hpp"
#include "runtime/stdio.hpp"
#include "runtime/timer.hpp"

namespace moonring::protocol {

namespace {
Error bad_flag(std::string_view flag, std::string_view why) {
  return Error{std::make_error_code(std::errc::invalid_argument),
               std::string(flag) + ": " + std::string(why)};
}

// "--name=value" or "--name" "value".
std::optional<std::string_view> flag_value(std::vector<std::string_view>& args, std::size_t& i,
                                           std::string_view name) {
  std::string_view a = args[i];
  if (a.substr(0, name.size()) != name) return std::nullopt;
  if (a.size() > name.size() && a[name.size()] == '=') return a.substr(name.size() + 1);
  if (a.size() == name.size() && i + 1 < args.size()) return args[++i];
  return std::nullopt;
}

// accept(2) errors that belong to the connection being taken (it is gone; the next one may be
// fine), retried at once. Any other error (EMFILE, ENFILE, ENOBUFS, ENOMEM...) backs off.
bool lost_connection(const Error& e) {
  if (e.code.category() != std::system_category()) return false;
  switch (e.code.value()) {
    case ECONNABORTED:
    case EPROTO:
    case EPERM:  // refused by a firewall rule
    case EINTR:
    case EAGAIN:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENONET:
    case ENOPROTOOPT:
    case EOPNOTSUPP:
      return true;
    default:
      return false;
  }
}

std::optional<long> to_number(std::string_view s) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

Result<TransportOptions> parse_transport_flags(std::vector<std::string_view>& args) {
  TransportOptions o;
  std::vector<std::string_view> rest;
  bool max_sessions_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--stdio") {
      o.kind = TransportOptions::Kind::stdio;
    } else if (auto v = flag_value(args, i, "--pipe")) {
      o.kind = TransportOptions::Kind::pipe;
      o.pipe_name = std::string(*v);
    } else if (auto p = flag_value(args, i, "--socket")) {
      auto n = to_number(*p);
      if (!n || *n <= 0 || *n > 65535) return bad_flag("--socket", "expected a port number");
      o.kind = TransportOptions::Kind::socket;
      o.socket_port = static_cast<uint16_t>(*n);
    } else if (auto l = flag_value(args, i, "--listen")) {
      auto addr = l->find(':') == std::string_view::npos
                      ? SocketAddress::parse("127.0.0.1", 0)  // a bare port below
                      : SocketAddress::parse(*l);
      if (l->find(':') == std::string_view::npos) {
        auto n = to_number(*l);
        if (!n || *n < 0 || *n > 65535) return bad_flag("--listen", "expected HOST:PORT or PORT");
        addr = SocketAddress::loopback(static_cast<uint16_t>(*n));
      }
      if (!addr) return bad_flag("--listen", addr.error().message());
      o.kind = TransportOptions::Kind::listen;
      o.listen_address = *addr;
    } else if (auto m = flag_value(args, i, "--max-sessions")) {
      auto n = to_number(*m);
      if (!n || *n <= 0) return bad_flag("--max-sessions", "expected a positive number");
      o.max_sessions = static_cast<std::size_t>(*n);
      max_sessions_given = true;
    } else if (auto c = flag_value(args, i, "--clientProcessId")) {
      auto n = to_number(*c);
      if (!n || *n <= 0) return bad_flag("--clientProcessId", "expected a process id");
      o.client_process_id = static_cast<int>(*n);
    } else {
      rest.push_back(a);
    }
  }
  if (max_sessions_given && o.kind != TransportOptions::Kind::listen) {
    return bad_flag("--max-sessions", "only with --listen");
  }
  args = std::move(rest);
  return o;
}

Task<Result<void>> serve_transport(const TransportOptions& o, ServeSession serve) {
  using Kind = TransportOptions::Kind;
  if (o.kind == Kind::stdio) {
    FdStream in = stdin_stream(), out = stdout_stream();
    co_await serve(in, out, "stdio");
    co_return Result<void>{};
  }
  if (o.kind == Kind::pipe || o.kind == Kind::socket) {
    Result<SocketAddress> to = o.kind == Kind::pipe
                                   ? SocketAddress::unix_path(o.pipe_name)
                                   : Result<SocketAddress>(SocketAddress::loopback(o.socket_port));
    if (!to) co_return to.take_error();
    auto stream = co_await TcpStream::connect(*to);
    if (!stream) co_return stream.take_error();
    std::string name = stream->name();
    co_await serve(*stream, *stream, name);
    co_return Result<void>{};
  }
  auto listener = TcpListener::bind(o.listen_address);
  if (!listener) co_return listener.take_error();
  std::fprintf(stderr, "moonring: listening on %s\n",
               listener->local_address().to_string().c_str());
  ListenPolicy policy;
  policy.max_sessions = o.max_sessions;
  co_return co_await serve_connections(*listener, policy, std::move(serve));
}

Task<Result<void>> serve_connections(TcpListener& listener, ListenPolicy policy, ServeSession serve,
                                     std::shared_ptr<ListenStats> stats) {
  if (!stats) stats = std::make_shared<ListenStats>();
  std::chrono::milliseconds backoff{0};  // zero while accepts succeed
  for (;;) {
    ++stats->accept_attempts;
    auto stream = co_await listener.accept();
    if (!stream) {
      const Error& error = stream.error();
      if (is_cancelled(error)) co_return Result<void>{};
      if (lost_connection(error)) {
        std::fprintf(stderr, "moonring: %s\n", error.message().c_str());
        continue;
      }
      // The connection waits in the backlog and the next accept would fail the same way.
      if (backoff.count() == 0) {
        ++stats->backoff_episodes;
        backoff = policy.first_backoff;
        std::fprintf(stderr, "moonring: %s; retrying every %lld to %lld ms until it works\n",
                     error.message().c_str(), static_cast<long long>(policy.first_backoff.count()),
                     static_cast<long long>(policy.max_backoff.count()));
      } else {
        backoff = std::min(backoff * 2, policy.max_backoff);
      }
      if (!co_await sleep(backoff, current_token())) co_return Result<void>{};
      continue;
    }
    backoff = std::chrono::milliseconds{0};
    ++stats->accepted;
    if (stats->sessions >= policy.max_sessions) {
      ++stats->refused;
      std::fprintf(
          stderr,
          "moonring: %s: connection closed: %zu sessions are running (--max-sessions=%zu)\n",
          stream->name().c_str(), stats->sessions, policy.max_sessions);
      continue;  // the stream closes here
    }
    ++stats->sessions;
    spawn_detached([](ServeSession s, TcpStream c, std::shared_ptr<ListenStats> st) -> Task<void> {
      // Counted out however the session ends (a frame dropped at shutdown included).
      struct Running {
        ListenStats& stats;
        ~Running() { --stats.sessions; }
      } running{*st};
      std::string name = c.name();
      co_await s(c, c, name);
    }(serve, std::move(*stream), stats));
  }
}

Task<void> wait_for_process_exit(int pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) co_return;                                  // gone already (or never there)
  co_await IoAwaiter::poll(fd, POLLIN, current_token());  // readable once the process exits
  ::close(fd);
}

}  // namespace moonring::protocol
