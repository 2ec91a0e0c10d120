// The stall trace: see lua_service_trace.hpp.
#include "lang/lua/services/lua_service_trace.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/core.hpp"

namespace moonring::lua {
namespace {

std::int64_t ns_of(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

StallTrace* StallTrace::open() {
  const char* path = std::getenv("MOONRING_TRACE_STALLS");
  if (path == nullptr || *path == '\0') return nullptr;
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  std::int64_t ms = 2;
  if (const char* t = std::getenv("MOONRING_TRACE_STALLS_MS")) ms = std::atoll(t);
  return new StallTrace(fd, ms * 1'000'000);  // lives as long as the process
}

StallTrace* StallTrace::get() {
  static StallTrace* const trace = open();
  return trace;
}

void StallTrace::record(std::string_view what, std::int64_t start_epoch_ns, std::int64_t wall_ns,
                        std::int64_t cpu_ns, bool always) {
  if (!always && wall_ns < threshold_ns_ && cpu_ns < threshold_ns_) return;
  const Core* core = Core::current();
  char head[96];
  const int n = std::snprintf(head, sizeof head, "%lld.%03lld %.3f %.3f core=%d ",
                              static_cast<long long>(start_epoch_ns / 1'000'000),
                              static_cast<long long>(start_epoch_ns / 1000 % 1000),
                              static_cast<double>(wall_ns) / 1e6, static_cast<double>(cpu_ns) / 1e6,
                              core ? static_cast<int>(core->id()) : -1);
  std::string line(head, static_cast<std::size_t>(n));
  line += what;
  line += '\n';
  // One write per line, O_APPEND: lines from several cores never interleave.
  [[maybe_unused]] const ssize_t w = ::write(fd_, line.data(), line.size());
}

void TracedStep::start() {
  clock_gettime(CLOCK_MONOTONIC, &wall_);
  clock_gettime(CLOCK_REALTIME, &epoch_);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_);
}

void TracedStep::stop() {
  timespec wall{};
  timespec cpu{};
  clock_gettime(CLOCK_MONOTONIC, &wall);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  trace_->record(what_, ns_of(epoch_), ns_of(wall) - ns_of(wall_), ns_of(cpu) - ns_of(cpu_),
                 always_);
}

}  // namespace moonring::lua
