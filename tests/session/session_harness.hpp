// A client for endpoint tests: talks to a server endpoint over two real pipes, writing framed
// messages and reading framed replies; and what the process writes to stderr, captured.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "protocol/framing.hpp"
#include "runtime/stdio.hpp"
#include "runtime/timer.hpp"
#include "tests/runtime/test_support.hpp"

namespace moonring::test {

struct PipePair {
  Pipe to_server;
  Pipe to_client;
  static PipePair make() {
    auto a = make_pipe();
    auto b = make_pipe();
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    return PipePair{std::move(*a), std::move(*b)};
  }
  FdStream& server_input() { return to_server.read_end; }
  FdStream& server_output() { return to_client.write_end; }
};

class WireClient {
 public:
  explicit WireClient(PipePair& pipes) : pipes_(pipes) {}

  Task<void> send_raw(std::string bytes) {
    REQUIRE_AWAIT_OK(pipes_.to_server.write_end.write_all(bytes_of(bytes)));
  }
  Task<void> send(std::string_view body) {
    std::string framed;
    protocol::append_frame(framed, body);
    co_await send_raw(std::move(framed));
  }
  // The next body the server sent (fails the test after 5 s).
  Task<std::string> receive() {
    for (;;) {
      if (auto event = decoder_.next()) {
        REQUIRE(event->kind == protocol::FrameEvent::Kind::message);
        co_return std::string(event->body.view());
      }
      std::byte buffer[4096];
      auto n = co_await with_timeout(std::chrono::seconds(5),
                                     pipes_.to_client.read_end.read_some(buffer), "read a reply");
      if (!n) FAIL(n.error().message());
      if (*n == 0) FAIL("the server closed its output");
      decoder_.feed(std::span<const std::byte>(buffer, *n));
    }
  }
  void close_input() { pipes_.to_server.write_end.close(); }

 private:
  static std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
  }
  PipePair& pipes_;
  protocol::FrameDecoder decoder_;
};

// Sends what the process writes to stderr to a temporary file while it lives; text() reads it.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(::dup(2)) {
    REQUIRE(file_ != nullptr);
    REQUIRE(saved_ >= 0);
    std::fflush(stderr);
    REQUIRE(::dup2(::fileno(file_), 2) == 2);
  }
  ~StderrCapture() {
    restore();
    if (file_ != nullptr) std::fclose(file_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  std::string text() {
    restore();
    std::string out;
    std::rewind(file_);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) out.append(buffer, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

// How many times `what` occurs in `text`.
inline std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace moonring::test
