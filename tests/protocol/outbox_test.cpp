// protocol::Outbox: a reply framed in place matches append_frame for every length of digits;
// messages sent while a frame is open follow it; a dropped frame leaves no trace; SharedBody
// counts its references in the body's block.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/body.hpp"
#include "protocol/framing.hpp"
#include "protocol/outbox.hpp"

namespace {

using moonring::protocol::append_frame;
using moonring::protocol::Body;
using moonring::protocol::Outbox;
using moonring::protocol::SharedBody;

std::string frame(std::string_view body) {
  std::string out;
  append_frame(out, body);
  return out;
}

}  // namespace

TEST_CASE("a frame written in place has the length of its body", "[outbox]") {
  for (const std::size_t size : {0u, 1u, 9u, 10u, 99u, 100u, 999u, 1000u, 12345u, 1234567u}) {
    INFO("body of " << size << " bytes");
    const std::string body(size, 'x');
    Outbox box;
    box.send("first");
    box.open_frame() += body;
    REQUIRE(box.frame_body_size() == size);
    box.close_frame();
    box.send("last");
    std::string bytes;
    box.take(bytes);
    REQUIRE(bytes == frame("first") + frame(body) + frame("last"));
    REQUIRE(box.empty());
  }
}

TEST_CASE("what is sent while a frame is open follows it", "[outbox]") {
  Outbox box;
  std::string& out = box.open_frame();
  out += R"({"a":)";
  box.send("notification");  // e.g. a handler that logs while it answers
  out += "1}";
  std::string early;
  box.take(early);  // a frame still open stays
  REQUIRE(early.empty());
  box.close_frame();
  std::string bytes;
  box.take(bytes);
  REQUIRE(bytes == frame(R"({"a":1})") + frame("notification"));
}

TEST_CASE("a dropped frame leaves only what was sent meanwhile", "[outbox]") {
  Outbox box;
  box.send("one");
  box.open_frame() += "never sent";
  box.send("two");
  box.drop_frame();
  std::string bytes;
  box.take(bytes);
  REQUIRE(bytes == frame("one") + frame("two"));
}

TEST_CASE("a shared body counts its references in its own block", "[body]") {
  Body body = Body::copy_of("hello");
  const char* data = body.data();
  REQUIRE(data[5] == '\0');  // the padding is zeroed
  SharedBody a(std::move(body));
  REQUIRE(body.data() == nullptr);
  REQUIRE(a->data() == data);
  SharedBody b = a;
  REQUIRE(b == a);
  REQUIRE(b.get() != nullptr);
  a = SharedBody();
  REQUIRE(a == nullptr);
  REQUIRE(b->view() == "hello");  // still alive through b
  SharedBody c = std::move(b);
  REQUIRE(b == nullptr);
  REQUIRE(c->view() == "hello");
  c = c;  // NOLINT: self-assignment keeps it
  REQUIRE(c->view() == "hello");
}
