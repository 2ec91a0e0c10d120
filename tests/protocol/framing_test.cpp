// FrameDecoder: messages split anywhere, many per read, huge ones, the size limit, and every kind
// of bad input, each followed by a good message that must still come through.
#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "protocol/framing.hpp"

namespace {

using moonring::protocol::append_frame;
using moonring::protocol::FrameDecoder;
using moonring::protocol::FrameEvent;
using moonring::protocol::FrameLimits;

std::string frame(std::string_view body) {
  std::string out;
  append_frame(out, body);
  return out;
}

// Everything the decoder has to say, as lines: "message: <body>" or "error: <text>".
std::vector<std::string> drain(FrameDecoder& decoder) {
  std::vector<std::string> out;
  while (auto event = decoder.next()) {
    if (event->kind == FrameEvent::Kind::message) {
      out.push_back("message: " + std::string(event->body.view()));
    } else {
      out.push_back("error: " + event->error);
    }
  }
  return out;
}

// Each read handed over copied (feed) or in place (feed_in_place, drained before the next).
enum class Feed { copied, in_place };

void give(FrameDecoder& decoder, std::string_view bytes, Feed how) {
  if (how == Feed::copied) {
    decoder.feed(bytes);
  } else {
    decoder.feed_in_place(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }
}

std::vector<std::string> decode_whole(std::string_view stream, FrameLimits limits = {},
                                      Feed how = Feed::copied) {
  FrameDecoder decoder(limits);
  give(decoder, stream, how);
  return drain(decoder);
}

std::vector<std::string> decode_bytewise(std::string_view stream, FrameLimits limits, Feed how) {
  FrameDecoder decoder(limits);
  std::vector<std::string> out;
  for (char c : stream) {
    give(decoder, std::string_view(&c, 1), how);
    for (auto& line : drain(decoder)) out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> decode_split(std::string_view stream, std::size_t at, FrameLimits limits,
                                      Feed how) {
  FrameDecoder decoder(limits);
  give(decoder, stream.substr(0, at), how);
  std::vector<std::string> out = drain(decoder);
  give(decoder, stream.substr(at), how);
  for (auto& line : drain(decoder)) out.push_back(std::move(line));
  return out;
}

// The outcome must not depend on how the stream was cut into reads, nor on whether the reads
// are copied or decoded in place.
void require_split_invariant(std::string_view stream, const std::vector<std::string>& expected,
                             FrameLimits limits = {}) {
  for (const Feed how : {Feed::copied, Feed::in_place}) {
    INFO((how == Feed::copied ? "copied" : "in place"));
    REQUIRE(decode_whole(stream, limits, how) == expected);
    REQUIRE(decode_bytewise(stream, limits, how) == expected);
    for (std::size_t at = 0; at <= stream.size(); ++at) {
      INFO("split at " << at);
      REQUIRE(decode_split(stream, at, limits, how) == expected);
    }
  }
}

const std::string kHover =
    R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":)"
    R"({"uri":"file:///w/a.lua"},"position":{"line":3,"character":7}}})";
const std::string kPing = R"({"jsonrpc":"2.0","method":"ping"})";

}  // namespace

TEST_CASE("a message split at every byte boundary", "[framing]") {
  const std::string stream = frame(kHover) + frame(kPing);
  require_split_invariant(stream, {"message: " + kHover, "message: " + kPing});
}

TEST_CASE("several messages in one read, headers in any case and order", "[framing]") {
  const std::string stream = frame(kPing) +
                             "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; "
                             "charset=utf-8\r\n\r\n{}" +
                             "Content-Type: x\r\nCONTENT-LENGTH:3\r\n\r\n[1]" +
                             "Content-Length: 0\r\n\r\n" + frame(kHover);
  require_split_invariant(stream, {"message: " + kPing, "message: {}", "message: [1]",
                                   "message: ", "message: " + kHover});
}

TEST_CASE("a repeated Content-Length that agrees is accepted", "[framing]") {
  require_split_invariant("Content-Length: 2\r\ncontent-length: 2\r\n\r\n{}", {"message: {}"});
}

TEST_CASE("a 20 MB body arrives in pieces, copied straight into its Body", "[framing]") {
  std::string body(20u << 20, 'x');
  body.front() = '"';
  body.back() = '"';
  const std::string stream = frame(body) + frame(kPing);
  FrameDecoder decoder;
  constexpr std::size_t kRead = 64u << 10;
  std::vector<FrameEvent> events;
  for (std::size_t at = 0; at < stream.size(); at += kRead) {
    give(decoder, std::string_view(stream).substr(at, kRead),
         at % (2 * kRead) == 0 ? Feed::copied : Feed::in_place);
    while (auto event = decoder.next()) events.push_back(std::move(*event));
  }
  REQUIRE(events.size() == 2);
  REQUIRE(events[0].kind == FrameEvent::Kind::message);
  REQUIRE(events[0].body.size() == body.size());
  REQUIRE(events[0].body.view() == body);
  REQUIRE(events[1].body.view() == kPing);
  REQUIRE(decoder.buffered() == 0);
}

TEST_CASE("a body goes straight into its Body; only a cut header waits", "[framing]") {
  SECTION("a whole header: the body is copied from the read into its Body") {
    FrameDecoder decoder;
    decoder.feed("Content-Length: 10\r\n\r\n{\"a\"");
    REQUIRE_FALSE(decoder.next());
    REQUIRE(decoder.buffered() == 4);  // in the Body already
    decoder.feed(":true}");
    REQUIRE(drain(decoder) == std::vector<std::string>{"message: {\"a\":true}"});
    REQUIRE(decoder.buffered() == 0);
  }
  SECTION("a header cut in two waits in the buffer, then the body continues in its Body") {
    FrameDecoder decoder;
    decoder.feed("Content-Len");
    REQUIRE_FALSE(decoder.next());
    REQUIRE(decoder.buffered() == 11);
    decoder.feed("gth: 10\r\n\r\n{\"a\"");
    REQUIRE_FALSE(decoder.next());
    REQUIRE(decoder.buffered() == 4);
    decoder.feed(":true}");
    REQUIRE(drain(decoder) == std::vector<std::string>{"message: {\"a\":true}"});
    REQUIRE(decoder.buffered() == 0);
  }
}

TEST_CASE("the maximum message size", "[framing]") {
  const FrameLimits limits{.max_message_bytes = 1000, .max_header_bytes = 1024};
  const std::string at_limit = std::string(1000, ' ');

  SECTION("a message at the limit is accepted") {
    require_split_invariant(frame(at_limit), {"message: " + at_limit}, limits);
  }
  SECTION("a plausible oversized body is skipped, and the stream stays in step") {
    const std::string big(1500, '{');  // its bytes must not be mistaken for anything
    require_split_invariant(
        frame(big) + frame(kPing),
        {"error: message too large: 1500 bytes, the limit is 1000; skipping its body",
         "message: " + kPing},
        limits);
  }
  SECTION("an absurd length is refused, and the decoder resynchronises") {
    require_split_invariant(
        "Content-Length: 4294967296\r\n\r\n{\"jsonrpc\":\"2.0\"}\r\n" + frame(kPing),
        {"error: message too large: 4294967296 bytes, the limit is 1000; resynchronising",
         "message: " + kPing},
        limits);
  }
  SECTION("the default limit refuses 4 GB and resynchronises") {
    REQUIRE(decode_whole("Content-Length: 4294967296\r\n\r\n{}" + frame(kPing)) ==
            std::vector<std::string>{"error: message too large: 4294967296 bytes, the limit is "
                                     "268435456; resynchronising",
                                     "message: " + kPing});
  }
  SECTION("a length past 64 bits") {
    REQUIRE(decode_whole("Content-Length: 99999999999999999999999\r\n\r\n" + frame(kPing)) ==
            std::vector<std::string>{"error: message too large: 18446744073709551615 bytes, the "
                                     "limit is 268435456; resynchronising",
                                     "message: " + kPing});
  }
}

namespace {

struct BadStream {
  const char* what;
  std::string stream;  // followed by a good message
  std::string error;
};

}  // namespace

TEST_CASE("bad input gives an error, then the next message still comes through", "[framing]") {
  const FrameLimits limits{.max_message_bytes = 1u << 20, .max_header_bytes = 64};
  const std::vector<BadStream> cases = {
      {"no Content-Length", "Content-Type: application/json\r\n\r\n{}",
       R"(bad header: no Content-Length in "Content-Type: application/json")"},
      {"non-numeric length", "Content-Length: ten\r\n\r\n{}",
       R"(bad header: Content-Length is not a number: "ten")"},
      {"negative length", "Content-Length: -5\r\n\r\n{}",
       R"(bad header: Content-Length is not a number: "-5")"},
      {"empty length", "Content-Length: \r\n\r\n{}",
       R"(bad header: Content-Length is not a number: "")"},
      {"two lengths that disagree", "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
       "bad header: two Content-Length values, 2 and 3"},
      {"a header too long", "X-Padding: " + std::string(80, 'p') + "\r\n\r\n{}",
       // The first 40 bytes are quoted.
       R"(bad header: no blank line within 64 bytes: "X-Padding: )" + std::string(29, 'p') +
           R"(...")"},
      {"a line that is not a header", "Content-Length: 2\r\nhello\r\n\r\n{}",
       R"(bad header: expected "Name: value", got "hello")"},
      {"missing blank line (the body runs into the header)",
       "Content-Length: 15\r\n{\"jsonrpc\":\"2\"}",
       R"(bad header: expected "Name: value", got "{\"jsonrpc\":\"2\"}Content-Length: 33")"},
      {"missing body", "Content-Length: 52\r\n\r\n",
       "missing body: a header follows the header of a 52-byte message"},
      {"garbage between messages", "\x01\xffgarbage\r\n",
       R"(bad header: expected "Name: value", got "\x01\xffgarbage")"},
      {"a stray blank line", "\r\n", R"(bad header: expected "Name: value", got "")"},
  };
  for (const BadStream& c : cases) {
    INFO(c.what);
    require_split_invariant(c.stream + frame(kPing), {"error: " + c.error, "message: " + kPing},
                            limits);
  }
}

TEST_CASE("the header limit holds for the usual header too", "[framing]") {
  const FrameLimits limits{.max_message_bytes = 1000, .max_header_bytes = 16};
  require_split_invariant(
      frame(kPing) + frame("{}"),
      {R"(error: bad header: no blank line within 16 bytes: "Content-Length: 33\r\n")",
       R"(error: bad header: no blank line within 16 bytes: "Content-Length: 2\r\n\r")"},
      limits);
}

TEST_CASE("a header searched in pieces does not hide the next one", "[framing]") {
  // Cut inside the first header, its search resumes where it stopped; the next header, shorter
  // than that, must be searched from its own start.
  require_split_invariant(
      frame("{}") + "X: y\r\n\r\n" + frame(kPing),
      {"message: {}", R"(error: bad header: no Content-Length in "X: y")", "message: " + kPing});
}

TEST_CASE("garbage after a good message", "[framing]") {
  require_split_invariant(
      frame(kHover) + "}}}} trailing junk\n" + frame(kPing),
      {"message: " + kHover,
       R"(error: bad header: expected "Name: value", got "}}}} trailing junk\nContent-Length: 33")",
       "message: " + kPing});
}

TEST_CASE("garbage with no header after it is held, not reported twice", "[framing]") {
  FrameDecoder decoder(FrameLimits{.max_message_bytes = 1000, .max_header_bytes = 32});
  const std::string garbage(10000, 'z');
  decoder.feed(garbage);
  const auto lines = drain(decoder);
  REQUIRE(lines.size() == 1);
  REQUIRE(lines[0].starts_with("error: bad header: no blank line within 32 bytes"));
  REQUIRE(decoder.buffered() < 14);  // at most the tail a header name could start in
  const std::string ping = frame(kPing);
  decoder.feed(ping);
  REQUIRE(drain(decoder) == std::vector<std::string>{"message: " + kPing});
}

TEST_CASE("a read fed in place and not drained is kept when the next one comes", "[framing]") {
  FrameDecoder decoder;
  auto first = std::make_unique<std::string>(frame(kPing) + frame("{}") + "Content-Le");
  decoder.feed_in_place(std::as_bytes(std::span(first->data(), first->size())));
  auto event = decoder.next();  // one message taken; the rest of the read is still in place
  REQUIRE(event);
  REQUIRE(event->body.view() == kPing);
  const std::string second = "ngth: 2\r\n\r\n[]";
  decoder.feed(second);
  first.reset();  // what was left of the first read was kept by the second feed
  REQUIRE(drain(decoder) == std::vector<std::string>{"message: {}", "message: []"});
  REQUIRE(decoder.buffered() == 0);
}

TEST_CASE("reads fed without draining are kept in order", "[framing]") {
  FrameDecoder decoder;
  auto first = std::make_unique<std::string>(frame(kPing) + "Content-Le");
  decoder.feed(*first);
  const std::string second = "ngth: 2\r\n\r\n{}";
  decoder.feed(second);
  first.reset();  // what was left of the first read was kept by the second feed
  REQUIRE(drain(decoder) == std::vector<std::string>{"message: " + kPing, "message: {}"});
}

TEST_CASE("append_frame", "[framing]") {
  REQUIRE(frame("{}") == "Content-Length: 2\r\n\r\n{}");
  REQUIRE(frame("") == "Content-Length: 0\r\n\r\n");
  std::string out = "prefix|";
  append_frame(out, "\xc3\xa9");  // the length counts bytes
  REQUIRE(out == "prefix|Content-Length: 2\r\n\r\n\xc3\xa9");
}
