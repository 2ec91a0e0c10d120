// A progress line on a terminal for runs that take more than a second: nothing for quick runs,
// nothing when stderr is not a terminal (CI logs stay clean).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace moonring::app {

class Progress {
 public:
  Progress();   // starts the clock (and the drawing thread when stderr is a terminal)
  ~Progress();  // stops drawing and clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void found() { total_.fetch_add(1, std::memory_order_relaxed); }
  void done() { done_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void draw_loop();
  std::atomic<std::size_t> total_{0};
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace moonring::app
