// Work on `jobs` threads whose results the calling thread consumes in input order, at most
// `window` items ahead of the consumer (so memory stays per item, not per workspace).
#pragma once

#include <algorithm>
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
// The consumer sleeps until a batch of results is ready, not until the next one: one wake-up per
// batch (a futex wake and a context switch per file cost as much as a small file's work).
template <class T, class Make, class Consume>
void ordered_parallel(std::size_t n, unsigned jobs, std::size_t window, Make&& make,
                      Consume&& consume) {
  const std::size_t batch = std::max<std::size_t>(1, std::min<std::size_t>(8, window / 4));
  std::mutex mutex;
  std::condition_variable ready;  // the batch the consumer waits for is complete
  std::condition_variable room;   // the consumer moved on
  std::vector<std::optional<T>> slots(n);
  std::size_t consumed = 0;        // guarded by mutex
  std::size_t wanted = 0;          // guarded: the consumer sleeps until [consumed, wanted) is full
  bool consumer_asleep = false;    // guarded
  std::size_t workers_asleep = 0;  // guarded
  auto full = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (!slots[i].has_value()) return false;
    return true;
  };
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < (jobs == 0 ? 1 : jobs); ++j) {
    workers.push_back(start_thread([&] {
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= n) return;
        {
          std::unique_lock lock(mutex);
          if (i >= consumed + window) {
            ++workers_asleep;
            room.wait(lock, [&] { return i < consumed + window; });
            --workers_asleep;
          }
        }
        T value = make(i);
        std::lock_guard lock(mutex);
        slots[i].emplace(std::move(value));
        if (consumer_asleep && i >= consumed && i < wanted && full(consumed, wanted))
          ready.notify_one();
      }
    }));
  }
  // Slots the consumer has seen filled are not touched by a worker again: read without the lock.
  for (std::size_t c = 0; c < n;) {
    std::size_t until;
    {
      std::unique_lock lock(mutex);
      wanted = std::min(n, c + batch);
      if (!full(c, wanted)) {
        consumer_asleep = true;
        ready.wait(lock, [&] { return full(c, wanted); });
        consumer_asleep = false;
      }
      until = wanted;
      while (until < n && slots[until].has_value()) ++until;
    }
    for (; c < until; ++c) {
      T value = std::move(*slots[c]);
      slots[c].reset();
      consume(c, std::move(value));
    }
    std::lock_guard lock(mutex);
    consumed = c;
    if (workers_asleep > 0) room.notify_all();
  }
  for (std::thread& w : workers) w.join();
}

}  // namespace moonring::app
