// Progress line: see progress.hpp.
#include "app/check/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace moonring::app {

using namespace std::chrono_literals;

Progress::Progress() {
  if (isatty(STDERR_FILENO) != 0) thread_ = std::thread([this] { draw_loop(); });
}

Progress::~Progress() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Progress::draw_loop() {
  std::unique_lock lock(mutex_);
  // Quick runs print nothing.
  if (cv_.wait_for(lock, 1s, [this] { return stopping_; })) return;
  for (;;) {
    const std::size_t total = total_.load(std::memory_order_relaxed);
    const std::size_t done = done_.load(std::memory_order_relaxed);
    constexpr int kWidth = 30;
    const int filled = total == 0 ? 0 : static_cast<int>(kWidth * done / total);
    std::fprintf(stderr, "\rchecking [%.*s%*s] %zu/%zu files", filled,
                 "##############################", kWidth - filled, "", done, total);
    std::fflush(stderr);
    drawn_ = true;
    if (cv_.wait_for(lock, 100ms, [this] { return stopping_; })) break;
  }
  if (drawn_) std::fputs("\r\033[K", stderr);
}

}  // namespace moonring::app
