// Transports (see transport.hpp).
#include "protocol/transport.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "runtime/io_op.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/spawn.hpp"
#include "runtime/stdio.hpp"

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
    } else if (auto c = flag_value(args, i, "--clientProcessId")) {
      auto n = to_number(*c);
      if (!n || *n <= 0) return bad_flag("--clientProcessId", "expected a process id");
      o.client_process_id = static_cast<int>(*n);
    } else {
      rest.push_back(a);
    }
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
  for (;;) {
    auto stream = co_await listener->accept();
    if (!stream) {
      if (is_cancelled(stream.error())) co_return Result<void>{};
      std::fprintf(stderr, "moonring: %s\n", stream.error().message().c_str());
      continue;
    }
    spawn_detached([](ServeSession s, TcpStream c) -> Task<void> {
      std::string name = c.name();
      co_await s(c, c, name);
    }(serve, std::move(*stream)));
  }
}

Task<void> wait_for_process_exit(int pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) co_return;                                  // gone already (or never there)
  co_await IoAwaiter::poll(fd, POLLIN, current_token());  // readable once the process exits
  ::close(fd);
}

}  // namespace moonring::protocol
