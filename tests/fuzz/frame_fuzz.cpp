// libFuzzer target: FrameDecoder on arbitrary bytes, fed whole, a byte at a time, and in pieces of
// pseudo-random sizes. Invariants: no crash; the events do not depend on how the input was cut;
// bodies respect the size limit; errors say something; outside the body being filled the decoder
// holds no more than one header (and the few body bytes it peeks at); a frame the Outbox writes
// in place, with a message sent meanwhile, is what append_frame writes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "protocol/framing.hpp"
#include "protocol/outbox.hpp"

namespace {

using moonring::protocol::append_frame;
using moonring::protocol::FrameDecoder;
using moonring::protocol::FrameEvent;
using moonring::protocol::FrameLimits;
using moonring::protocol::Outbox;

void require(bool ok) {
  if (!ok) std::abort();
}

// step 0: all at once; 1: a byte at a time; otherwise the seed of the piece sizes.
std::vector<std::string> run(std::string_view input, const FrameLimits& limits, uint64_t step) {
  FrameDecoder decoder(limits);
  std::vector<std::string> events;
  uint64_t state = step;
  std::size_t at = 0;
  while (at < input.size()) {
    std::size_t n = input.size() - at;
    if (step == 1) {
      n = 1;
    } else if (step > 1) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      n = std::min<std::size_t>(n, 1 + (state >> 33) % 97);
    }
    // Copied or decoded in place (every read is drained before the next, as feed_in_place asks).
    const std::string_view read = input.substr(at, n);
    if ((at / 7) % 2 == 0) {
      decoder.feed(read);
    } else {
      decoder.feed_in_place(std::as_bytes(std::span(read.data(), read.size())));
    }
    at += n;
    while (auto event = decoder.next()) {
      if (event->kind == FrameEvent::Kind::message) {
        require(event->body.size() <= limits.max_message_bytes);
        events.push_back("message " + std::string(event->body.view()));
      } else {
        require(!event->error.empty());
        events.push_back("error " + event->error);
      }
    }
    // Drained: what is held is the body being filled and at most a header (with the few body
    // bytes that tell a missing body), or a resync tail.
    require(decoder.buffered() <= limits.max_message_bytes + limits.max_header_bytes + 4 + 14);
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  // The first three bytes choose the limits and the cuts; the rest is the stream.
  const FrameLimits limits{.max_message_bytes = 1 + data[0] * 8u, .max_header_bytes = 8u + data[1]};
  const uint64_t seed = 2 + data[2];
  const std::string_view input(reinterpret_cast<const char*>(data + 3), size - 3);
  const std::vector<std::string> whole = run(input, limits, 0);
  require(run(input, limits, 1) == whole);
  require(run(input, limits, seed) == whole);

  // A frame written in place (the Outbox) is the frame append_frame writes, split where it may.
  Outbox box;
  const std::size_t cut = seed % (input.size() + 1);
  std::string& frame = box.open_frame();
  frame.append(input.substr(0, cut));
  box.send(input.substr(cut));
  frame.append(input.substr(cut));
  box.close_frame();
  std::string written;
  box.take(written);
  std::string expected;
  append_frame(expected, input);
  append_frame(expected, input.substr(cut));
  require(written == expected);
  return 0;
}
