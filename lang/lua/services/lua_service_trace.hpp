// The stall trace (MOONRING_TRACE_STALLS=path, off by default): every step of the Lua service
// that held a core longer than a threshold (2 ms, MOONRING_TRACE_STALLS_MS) is appended to the
// file as one line: its start (ms since the epoch, CLOCK_REALTIME, so a client's timestamps line
// up), wall and thread-CPU ms, the core, and what it was (load phase, file, query). A request
// that waits on the service's core waits for such steps; bench/lsp lines them up with its hovers.
#pragma once

#include <time.h>
#include <cstdint>
#include <string_view>

namespace moonring::lua {

class StallTrace {
 public:
  // The trace, or null when MOONRING_TRACE_STALLS is not set (read once).
  static StallTrace* get();
  // A step that took `wall_ns`; written when it took longer than the threshold or `always`.
  void record(std::string_view what, std::int64_t start_epoch_ns, std::int64_t wall_ns,
              std::int64_t cpu_ns, bool always);
  std::int64_t threshold_ns() const { return threshold_ns_; }

 private:
  static StallTrace* open();
  StallTrace(int fd, std::int64_t threshold_ns) : fd_(fd), threshold_ns_(threshold_ns) {}
  int fd_;
  std::int64_t threshold_ns_;
};

// Times one synchronous step (a scope with no co_await in it). Free when the trace is off.
class TracedStep {
 public:
  explicit TracedStep(std::string_view what, bool always = false)
      : trace_(StallTrace::get()), what_(what), always_(always) {
    if (trace_) start();
  }
  ~TracedStep() {
    if (trace_) stop();
  }
  TracedStep(const TracedStep&) = delete;
  TracedStep& operator=(const TracedStep&) = delete;

 private:
  void start();
  void stop();
  StallTrace* trace_;
  std::string_view what_;
  bool always_;
  timespec wall_{};
  timespec epoch_{};
  timespec cpu_{};
};

// A point in time written whatever the threshold (the phases of a load, for a start's timeline).
inline void trace_mark(std::string_view what) {
  if (StallTrace::get()) TracedStep step(what, true);
}

}  // namespace moonring::lua
