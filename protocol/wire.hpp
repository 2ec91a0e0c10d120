// The wire under both protocols: reads framed bodies from an input stream and hands them to the
// endpoint one at a time, and writes queued frames to an output stream from one writer task, so
// replies produced concurrently never interleave and a burst of replies goes out in one write.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/body.hpp"
#include "protocol/framing.hpp"
#include "protocol/outbox.hpp"
#include "runtime/event.hpp"
#include "runtime/result.hpp"
#include "runtime/stream.hpp"
#include "runtime/task.hpp"

namespace moonring::protocol {

class Wire {
 public:
  // `name` says which session this is in messages on stderr ("lsp stdio", "dap 127.0.0.1:4711").
  Wire(FdStream& input, FdStream& output, std::string name, FrameLimits limits = {});

  // Handles one message body: done (nullopt), or a task to await before reading on.
  using BodyHandler = std::function<std::optional<Task<void>>(Body)>;

  // Reads until the input ends, fails, or the ambient token is cancelled; calls `on_body` for
  // each message, in order, awaiting what it returns before reading on (so notifications keep
  // their order). Framing errors are reported on stderr and reading goes on where the stream
  // allows; an input that ends inside a message says so on stderr ("lsp stdio: input closed
  // inside a message (120 of 400 body bytes)").
  Task<Result<void>> read(BodyHandler on_body);

  // Queue one message body for sending (framed here).
  void send(std::string_view body);
  // Where replies are written in place (then output_ready()).
  Outbox& outbox() { return outbox_; }
  // Wakes the writer if the outbox holds something.
  void output_ready() {
    if (!outbox_.empty()) has_output_.set();
  }
  // The writer: sends what is queued until stop_writer() and everything queued is out.
  Task<Result<void>> write();
  void stop_writer();

  bool output_failed() const { return output_failed_; }
  const std::string& name() const { return name_; }

 private:
  void report_unfinished() const;

  FdStream& input_;
  FdStream& output_;
  std::string name_;
  FrameDecoder decoder_;
  Outbox outbox_;
  Event has_output_;
  bool writer_stopping_ = false;
  bool output_failed_ = false;
};

}  // namespace moonring::protocol
