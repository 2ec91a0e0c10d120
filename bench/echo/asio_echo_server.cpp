// Plain standalone-Asio echo server: the well-written alternative users would pick instead of us.
//
// One io_context per thread, each with its own SO_REUSEPORT acceptor. A session keeps reading
// while a write is in flight; every complete request in a read is answered, and all replies
// produced since the last write go out in one write.
#include <sys/socket.h>

#include <asio.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "bench/echo/echo_reply.hpp"
#include "bench/echo/server_lifecycle.hpp"
#include "bench/echo/server_options.hpp"

namespace {

using asio::ip::tcp;
using moonring::bench::EchoMode;

constexpr std::size_t kInitialReadBuffer = 16 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, EchoMode mode)
      : socket_(std::move(socket)), mode_(mode), in_(kInitialReadBuffer) {}

  void start() { read(); }

 private:
  void read() {
    // Room for a large frame: grow instead of stalling when a partial frame fills the buffer.
    if (in_.size() - in_length_ < in_.size() / 4) in_.resize(in_.size() * 2);
    socket_.async_read_some(
        asio::buffer(in_.data() + in_length_, in_.size() - in_length_),
        [self = shared_from_this()](const std::error_code& error, std::size_t n) {
          self->on_read(error, n);
        });
  }

  void on_read(const std::error_code& error, std::size_t n) {
    if (error) return;  // EOF, reset or cancelled: a pending write keeps us alive until it ends
    in_length_ += n;
    std::string& replies = writing_ ? pending_ : out_;
    const std::ptrdiff_t used = moonring::bench::append_echo_replies(
        mode_, std::span<const char>(in_.data(), in_length_), replies);
    if (used < 0) {
      std::error_code ignored;
      socket_.close(ignored);
      return;
    }
    const auto consumed = static_cast<std::size_t>(used);
    if (consumed != 0 && consumed != in_length_) {
      std::memmove(in_.data(), in_.data() + consumed, in_length_ - consumed);
    }
    in_length_ -= consumed;
    if (!writing_ && !out_.empty()) write();
    read();
  }

  void write() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](const std::error_code& error, std::size_t) {
                        self->on_write(error);
                      });
  }

  void on_write(const std::error_code& error) {
    writing_ = false;
    if (error) {
      std::error_code ignored;
      socket_.close(ignored);  // also ends the pending read
      return;
    }
    out_.clear();
    std::swap(out_, pending_);
    if (!out_.empty()) write();
  }

  tcp::socket socket_;
  EchoMode mode_;
  std::vector<char> in_;
  std::size_t in_length_ = 0;
  std::string out_;      // replies owned by the in-flight write
  std::string pending_;  // replies produced while a write is in flight
  bool writing_ = false;
};

// One thread's share of the server: its own io_context and acceptor, no cross-thread state.
class Worker {
 public:
  explicit Worker(const moonring::bench::ServerOptions& options) : mode_(options.mode) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    const int on = 1;
    if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
      throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
    }
    acceptor_.bind(tcp::endpoint(asio::ip::address_v4::loopback(), options.port));
    acceptor_.listen(asio::socket_base::max_listen_connections);
    accept();
  }

  void run() { context_.run(); }
  void stop() { context_.stop(); }

 private:
  void accept() {
    acceptor_.async_accept([this](const std::error_code& error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (!error) {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(socket), mode_)->start();
      }
      accept();
    });
  }

  // A hint of 1 tells Asio only one thread runs this context, so it can skip some locking.
  asio::io_context context_{1};
  tcp::acceptor acceptor_{context_};
  EchoMode mode_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = moonring::bench::parse_server_options(argc, argv);
  const sigset_t stop_signals = moonring::bench::block_stop_signals();

  std::vector<std::unique_ptr<Worker>> workers;
  try {
    for (unsigned i = 0; i < options.threads; ++i) {
      workers.push_back(std::make_unique<Worker>(options));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "asio_echo_server: %s\n", e.what());
    return 1;
  }
  std::vector<std::thread> threads;
  for (auto& worker : workers) threads.emplace_back([&worker] { worker->run(); });
  moonring::bench::announce_ready();

  moonring::bench::wait_for_stop_signal(stop_signals);
  for (auto& worker : workers) worker->stop();
  for (auto& t : threads) t.join();
  return 0;
}
