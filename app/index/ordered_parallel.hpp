// Work on `jobs` threads whose results the calling thread consumes in input order, at most
// `window` items ahead of the consumer (so memory stays per item, not per workspace).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "runtime/thread.hpp"

namespace moonring::app {

// make(i) -> T on a worker; consume(i, T&&) on the calling thread, i = 0, 1, ... n-1.
template <class T, class Make, class Consume>
void ordered_parallel(std::size_t n, unsigned jobs, std::size_t window, Make&& make,
                      Consume&& consume) {
  std::mutex mutex;
  std::condition_variable ready;  // a slot was filled
  std::condition_variable room;   // the consumer moved on
  std::vector<std::optional<T>> slots(n);
  std::size_t consumed = 0;
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < (jobs == 0 ? 1 : jobs); ++j) {
    workers.push_back(start_thread([&] {
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= n) return;
        {
          std::unique_lock lock(mutex);
          room.wait(lock, [&] { return i < consumed + window; });
        }
        T value = make(i);
        std::lock_guard lock(mutex);
        slots[i].emplace(std::move(value));
        ready.notify_all();
      }
    }));
  }
  for (std::size_t c = 0; c < n; ++c) {
    std::optional<T> value;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return slots[c].has_value(); });
      value = std::move(slots[c]);
      slots[c].reset();
    }
    consume(c, std::move(*value));
    {
      std::lock_guard lock(mutex);
      consumed = c + 1;
    }
    room.notify_all();
  }
  for (std::thread& w : workers) w.join();
}

}  // namespace moonring::app
