// The agent's framing and addresses (lang/lua/debug/agent/wire.*), over a real socket pair.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "lang/lua/debug/agent/wire.hpp"

using moonring::lua::debug::Connection;
using moonring::lua::debug::Json;
using moonring::lua::debug::split_address;

namespace {

// A connection reading what `feed` writes to the other end.
struct Pair {
  int other = -1;
  std::unique_ptr<Connection> connection;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    connection = std::make_unique<Connection>(fds[0]);
    other = fds[1];
  }
  ~Pair() {
    if (other >= 0) ::close(other);
  }
  void feed(const std::string& bytes) {
    REQUIRE(::write(other, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  void end() {
    ::close(other);
    other = -1;
  }
};

std::string frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("messages are read whole, garbage between them is skipped", "[agent][wire]") {
  Pair pair;
  pair.feed("garbage without a header end\r\n\r\n");  // no Content-Length
  pair.feed(frame("{not json"));                      // a body that is not JSON
  pair.feed(frame("[1,2]"));                          // JSON, not an object
  pair.feed("content-length: 9\r\n\r\n{\"a\":1}  ");  // any case; split writes below
  pair.feed(frame("{\"command\":\"next\",\"seq\":2}").substr(0, 10));
  pair.feed(frame("{\"command\":\"next\",\"seq\":2}").substr(10));
  pair.end();
  auto first = pair.connection->read();
  REQUIRE(first);
  CHECK((*first)["a"] == 1);
  auto second = pair.connection->read();
  REQUIRE(second);
  CHECK((*second)["command"] == "next");
  CHECK(!pair.connection->read());  // the end of the stream
}

TEST_CASE("a huge Content-Length is garbage, not a reason to wait", "[agent][wire]") {
  Pair pair;
  pair.feed("Content-Length: 99999999999999\r\n\r\n");
  pair.feed(frame("{\"ok\":true}"));
  pair.end();
  auto message = pair.connection->read();
  REQUIRE(message);
  CHECK((*message)["ok"] == true);
}

TEST_CASE("written messages are framed for the peer", "[agent][wire]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Connection writer(fds[0]);
  Connection reader(fds[1]);
  REQUIRE(writer.write(Json{{"event", "stopped"}, {"text", "caf\xc3\xa9 \n"}}));
  auto message = reader.read();
  REQUIRE(message);
  CHECK((*message)["event"] == "stopped");
  CHECK((*message)["text"] == "caf\xc3\xa9 \n");
}

TEST_CASE("addresses: HOST:PORT, PORT, [v6]:PORT", "[agent][wire]") {
  std::string host;
  int port = -1;
  CHECK(split_address("127.0.0.1:4711", host, port));
  CHECK((host == "127.0.0.1" && port == 4711));
  CHECK(split_address("0", host, port));
  CHECK((host == "127.0.0.1" && port == 0));
  CHECK(split_address("[::1]:9", host, port));
  CHECK((host == "::1" && port == 9));
  CHECK(!split_address("localhost:", host, port));
  CHECK(!split_address("localhost:70000", host, port));
  CHECK(!split_address("localhost:12x", host, port));
}
