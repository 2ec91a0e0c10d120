// The bar (terminal) or the 10% lines (a log): what a person watching needs, nothing between.
#include "app/index/index_progress.hpp"

namespace moonring::app {

IndexProgress::IndexProgress(std::FILE* out, bool terminal, std::size_t total, const char* label)
    : out_(out), terminal_(terminal), total_(total), label_(label) {}

double IndexProgress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void IndexProgress::update(std::size_t done) {
  const double elapsed = seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  if (!terminal_) {
    while (total_ != 0 && next_tenth_ <= 10 &&
           done * 10 >= total_ * static_cast<std::size_t>(next_tenth_)) {
      std::fprintf(out_, "moonring index: %s %d%% (%zu/%zu files, %.0f files/s)\n", label_,
                   next_tenth_ * 10, done, total_, rate);
      ++next_tenth_;
    }
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (drew_ && done != total_ && now - drawn_ < std::chrono::milliseconds(100)) return;
  drawn_ = now;
  drew_ = true;
  constexpr int kWidth = 30;
  const int filled = total_ == 0 ? kWidth : static_cast<int>(done * kWidth / total_);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(out_, "\r\033[K%s [%s] %zu/%zu files  %.0f files/s  ETA %.0fs", label_, bar, done,
               total_, rate, left);
  std::fflush(out_);
}

void IndexProgress::finish() {
  if (terminal_ && drew_) std::fputc('\n', out_);
}

}  // namespace moonring::app
