// The wire under both protocols (see wire.hpp).
#include "protocol/wire.hpp"

#include <cstdio>
#include <vector>

namespace moonring::protocol {

Wire::Wire(FdStream& input, FdStream& output, std::string name, FrameLimits limits)
    : input_(input), output_(output), name_(std::move(name)), decoder_(limits) {
  // The client waits on these replies while the rest of a burst is still being answered.
  output_.set_eager_writes(true);
}

Task<Result<void>> Wire::read(BodyHandler on_body) {
  std::vector<std::byte> buffer(64 * 1024);
  for (;;) {
    auto n = co_await input_.read_some(buffer);
    if (!n) {
      if (is_cancelled(n.error())) co_return Result<void>{};
      co_return n.take_error();
    }
    if (*n == 0) {  // the client closed its end
      report_unfinished();
      co_return Result<void>{};
    }
    // Drained before the next read: the decoder may read the buffer in place.
    decoder_.feed_in_place(std::span<const std::byte>(buffer.data(), *n));
    while (auto event = decoder_.next()) {
      if (event->kind == FrameEvent::Kind::error) {
        std::fprintf(stderr, "moonring: %s: %s\n", name_.c_str(), event->error.c_str());
        continue;
      }
      if (auto pending = on_body(std::move(event->body))) co_await std::move(*pending);
    }
  }
}

// Why the session ends with a message cut off, which would otherwise vanish without a word.
void Wire::report_unfinished() const {
  const FrameDecoder::Partial cut = decoder_.partial();
  if (cut.body_length > 0) {
    std::fprintf(stderr, "moonring: %s: input closed inside a message (%zu of %zu body bytes)\n",
                 name_.c_str(), cut.body_bytes, cut.body_length);
  } else if (cut.header_bytes > 0) {
    std::fprintf(stderr, "moonring: %s: input closed inside a message header (%zu bytes)\n",
                 name_.c_str(), cut.header_bytes);
  }
}

void Wire::send(std::string_view body) {
  outbox_.send(body);
  has_output_.set();
}

Task<Result<void>> Wire::write() {
  std::string sending;
  for (;;) {
    if (outbox_.empty()) {
      if (writer_stopping_) co_return Result<void>{};
      has_output_.reset();
      // The writer runs under the runtime's token, not the session's, so replies queued before
      // a session ends still go out; only the runtime's stop ends it early.
      bool woken = co_await has_output_.wait();
      if (!woken) co_return Result<void>{};
      continue;
    }
    outbox_.take(sending);
    auto r = co_await output_.write_all(std::as_bytes(std::span(sending.data(), sending.size())));
    if (!r) {
      output_failed_ = true;
      outbox_.take(sending);  // dropped
      co_return r.take_error();
    }
  }
}

void Wire::stop_writer() {
  writer_stopping_ = true;
  has_output_.set();
}

}  // namespace moonring::protocol
