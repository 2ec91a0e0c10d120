// Running a protocol session (see session.hpp).
#include "protocol/session.hpp"

#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace moonring::protocol {

Task<Result<void>> Session::run(Wire& wire, Wire::BodyHandler on_body,
                                std::function<void()> before_flush) {
  source_.emplace(Core::current()->token());
  // The writer runs under the runtime's token, so replies queued before the end still go out.
  auto writer = spawn(wire.write());
  Result<void> read_result;
  {
    // The reader and everything it starts follow the session's token, which close() cancels.
    moonring::detail::AmbientTokenScope scope(source_->token());
    read_result = co_await wire.read(std::move(on_body));
  }
  source_->cancel();  // requests still running see the end of the session
  while (running_ > 0) {
    all_done_.reset();
    bool done = co_await all_done_.wait();
    if (!done) break;  // the runtime is stopping: do not wait
  }
  before_flush();
  wire.stop_writer();
  auto written = co_await std::move(writer);
  if (!read_result) co_return read_result;
  co_return written;
}

void Session::close() {
  if (source_) source_->cancel();
}

void Session::request_finished() {
  if (--running_ == 0) all_done_.set();
}

}  // namespace moonring::protocol
