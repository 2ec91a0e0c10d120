// UDP: send_to/recv_from and connected sockets over loopback.
#include "runtime/net/udp.hpp"
#include "tests/runtime/test_support.hpp"

using namespace moonring;

TEST_CASE("udp datagrams over loopback, addressed and connected") {
  auto rt = test::start_runtime();
  auto [first, from_port, second] =
      rt->block_on([]() -> Task<std::tuple<std::string, uint16_t, std::string>> {
        auto a = UdpSocket::bind(SocketAddress::loopback(0));
        auto b = UdpSocket::bind(SocketAddress::loopback(0));
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        auto sent = co_await a->send_to(test::bytes("datagram one"), b->local_address());
        REQUIRE(sent.ok());
        CHECK(*sent == 12);
        std::byte buf[256];
        auto d = co_await b->recv_from(buf);
        REQUIRE(d.ok());
        std::string one = test::text(std::span(buf, d->size));

        REQUIRE(a->connect(b->local_address()).ok());
        REQUIRE(b->connect(a->local_address()).ok());
        REQUIRE_AWAIT_OK(b->send(test::bytes("two")));
        auto n = co_await a->recv(buf);
        REQUIRE(n.ok());
        co_return std::tuple{one, d->from.port(), test::text(std::span(buf, *n))};
      });
  CHECK(first == "datagram one");
  CHECK(from_port != 0);
  CHECK(second == "two");
}
