// Progress of one pass of `moonring index` on stderr: on a terminal a bar with files/s and the
// time left, redrawn at most 10 times a second; otherwise one line per 10%.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>

namespace moonring::app {

class IndexProgress {
 public:
  // `label` names the pass ("facts", "documents").
  IndexProgress(std::FILE* out, bool terminal, std::size_t total, const char* label);
  // `done` files of the total are indexed (called from the writing thread).
  void update(std::size_t done);
  // Ends the bar's line.
  void finish();
  double seconds() const;

 private:
  std::FILE* out_;
  bool terminal_;
  std::size_t total_;
  const char* label_;
  int next_tenth_ = 1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_{};
  bool drew_ = false;
};

}  // namespace moonring::app
