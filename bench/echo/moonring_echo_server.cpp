// The echo bench server on moonring's runtime: one listener per core (SO_REUSEPORT), one task per
// connection that answers every request that has arrived and sends the replies in one write.
// The backend comes from MOONRING_BACKEND (io_uring or asio), like every moonring program.
#include <cstdio>
#include <string>

#include "bench/echo/echo_reply.hpp"
#include "bench/echo/server_options.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/runtime.hpp"

using namespace moonring;

namespace {

Task<void> serve_connection(TcpStream stream, bench::EchoMode mode) {
  std::string pending;  // the start of a request split across receives
  std::string out;
  for (;;) {
    auto first = co_await stream.receive();
    if (!first || first->empty()) co_return;
    out.clear();
    // Everything queued now goes into this one reply batch.
    for (BufferLease lease = std::move(*first); !lease.empty(); lease = stream.try_receive()) {
      std::span<const char> in(reinterpret_cast<const char*>(lease.data()), lease.size());
      if (!pending.empty()) {
        pending.append(in.data(), in.size());
        in = std::span<const char>(pending.data(), pending.size());
      }
      std::ptrdiff_t used = bench::append_echo_replies(mode, in, out);
      if (used == bench::kBadRequest) co_return;
      auto rest = in.subspan(static_cast<std::size_t>(used));
      if (in.data() == pending.data()) {
        pending.erase(0, static_cast<std::size_t>(used));  // keep the allocation
      } else {
        pending.assign(rest.data(), rest.size());
      }
    }
    if (out.empty()) continue;
    auto sent = co_await stream.send_all(std::as_bytes(std::span(out.data(), out.size())));
    if (!sent) co_return;
  }
}

Task<void> accept_loop(TcpListener listener, bench::EchoMode mode) {
  for (;;) {
    auto stream = co_await listener.accept();
    if (!stream) {
      if (Core::current()->stopping()) co_return;
      std::fprintf(stderr, "moonring_echo_server: %s\n", stream.error().message().c_str());
      continue;
    }
    spawn_detached(serve_connection(std::move(*stream), mode));
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::ServerOptions options = bench::parse_server_options(argc, argv);
  RuntimeConfig config;
  config.cores = options.threads;
  config.stop_on_signals = true;
  config.shutdown_grace = std::chrono::milliseconds(500);
  auto runtime = Runtime::start(config);
  if (!runtime) {
    std::fprintf(stderr, "moonring_echo_server: %s\n", runtime.error().message().c_str());
    return 1;
  }
  Runtime& rt = **runtime;
  for (unsigned core = 0; core < rt.core_count(); ++core) {
    bool ok = rt.block_on(
        [&options]() -> Task<bool> {
          ListenOptions lo;
          lo.socket.reuse_port = true;
          auto listener = TcpListener::bind_loopback(options.port, lo);
          if (!listener) {
            std::fprintf(stderr, "moonring_echo_server: %s\n", listener.error().message().c_str());
            co_return false;
          }
          spawn_detached(accept_loop(std::move(*listener), options.mode));
          co_return true;
        },
        core);
    if (!ok) return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  rt.join();
  return 0;
}
