// Echo bench load generator: keeps --depth requests in flight on each of --connections loopback
// connections for --warmup + --duration seconds, then prints one key=value line for the window.
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/echo/cpu_time.hpp"
#include "bench/echo/latency_histogram.hpp"
#include "bench/echo/load_options.hpp"
#include "bench/echo/load_worker.hpp"
#include "bench/echo/request_payload.hpp"

namespace {

using moonring::bench::LoadPhase;
using moonring::bench::LoadWorker;

struct Snapshot {
  std::chrono::steady_clock::time_point time;
  double own_cpu_s = 0;
  double server_cpu_s = -1;
  double system_busy_s = -1;
};

Snapshot snapshot(pid_t server_pid) {
  Snapshot s;
  s.time = std::chrono::steady_clock::now();
  s.own_cpu_s = moonring::bench::own_cpu_seconds();
  if (server_pid != 0) s.server_cpu_s = moonring::bench::process_cpu_seconds(server_pid);
  s.system_busy_s = moonring::bench::system_busy_seconds();
  return s;
}

void sleep_seconds(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = moonring::bench::parse_load_options(argc, argv);
  const std::string request = moonring::bench::request_bytes(options.mode);

  std::atomic<LoadPhase> phase{LoadPhase::kWarmup};
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (unsigned i = 0; i < options.threads; ++i) {
    // Spread connections evenly; the first threads take the remainder.
    const unsigned share =
        options.connections / options.threads + (i < options.connections % options.threads);
    workers.push_back(
        std::make_unique<LoadWorker>(options.port, share, options.depth, request, phase));
  }

  std::atomic<bool> failed{false};
  std::latch set_up(options.threads);
  std::vector<std::thread> threads;
  for (auto& worker : workers) {
    threads.emplace_back([&, w = worker.get()] {
      try {
        w->setup();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "echo_load: %s\n", e.what());
        failed = true;
      }
      set_up.count_down();
      if (!failed) w->run();
    });
  }
  set_up.wait();
  if (failed) {
    phase = LoadPhase::kDone;
    for (auto& t : threads) t.join();
    return 1;
  }

  sleep_seconds(options.warmup_s);
  const Snapshot start = snapshot(options.server_pid);
  phase.store(LoadPhase::kMeasure, std::memory_order_release);
  sleep_seconds(options.duration_s);
  phase.store(LoadPhase::kDone, std::memory_order_release);
  const Snapshot end = snapshot(options.server_pid);
  for (auto& t : threads) t.join();

  moonring::bench::LatencyHistogram latency;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  for (const auto& worker : workers) {
    latency.merge(worker->results().latency);
    requests += worker->results().replies;
    errors += worker->results().errors;
  }
  const double seconds = std::chrono::duration<double>(end.time - start.time).count();
  const double cpu_s = end.own_cpu_s - start.own_cpu_s;
  std::string line = "requests=" + std::to_string(requests);
  char field[160];
  std::snprintf(field, sizeof field, " rps=%.0f p50_us=%.1f p99_us=%.1f cpu_s=%.3f cpu_util=%.3f",
                static_cast<double>(requests) / seconds, latency.percentile(0.50) / 1e3,
                latency.percentile(0.99) / 1e3, cpu_s, cpu_s / seconds);
  line += field;
  if (options.server_pid != 0) {
    if (start.server_cpu_s >= 0 && end.server_cpu_s >= 0) {
      const double server_cpu_s = end.server_cpu_s - start.server_cpu_s;
      // Busy CPU time that was neither the server's nor ours: other processes competing.
      // Clamped: tick-granular counters can make an idle machine look slightly negative.
      const double other_s =
          std::max(0.0, end.system_busy_s - start.system_busy_s - server_cpu_s - cpu_s);
      std::snprintf(field, sizeof field,
                    " server_cpu_s=%.3f server_us_per_req=%.3f other_util=%.3f", server_cpu_s,
                    requests == 0 ? 0.0 : server_cpu_s * 1e6 / static_cast<double>(requests),
                    start.system_busy_s < 0 ? 0.0 : other_s / seconds);
    } else {
      std::snprintf(field, sizeof field, " server_cpu_s=n/a server_us_per_req=n/a other_util=n/a");
    }
    line += field;
  }
  line += " errors=" + std::to_string(errors);
  std::puts(line.c_str());
  if (errors != 0 || requests == 0) {
    std::fprintf(stderr, "echo_load: FAILED: %llu errors, %llu requests\n",
                 static_cast<unsigned long long>(errors),
                 static_cast<unsigned long long>(requests));
    return 1;
  }
  return 0;
}
