// A report's pieces: where they are cut, and their formatting on every CPU, written in order.
#include "app/check/report_pieces.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/cpus.hpp"
#include "runtime/thread.hpp"

namespace moonring::app {

ReportPlan cut_into_pieces(std::span<const lua::FileReport> reports, std::size_t items) {
  items = std::max<std::size_t>(items, 1);
  ReportPlan plan;
  plan.marks.emplace_back();
  std::size_t in_piece = 0;  // findings since the last mark; below `items` between reports
  const auto cut = [&](const ReportMark& mark) {
    if (mark != plan.marks.back()) plan.marks.push_back(mark);
    in_piece = 0;
  };
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const lua::FileReport& report = reports[i];
    if (report.load_error) {
      ++plan.findings;
      if (++in_piece >= items) cut({i + 1, 0, 0});
      continue;
    }
    const std::vector<lua::ReportedDiagnostic>& diagnostics = report.diagnostics;
    const std::vector<lua::UndefinedGlobalRead>& reads = report.undefined_globals;
    const std::size_t n_d = diagnostics.size();
    const std::size_t n_g = reads.size();
    plan.findings += n_d + n_g;
    if (in_piece + n_d + n_g < items) {
      in_piece += n_d + n_g;
      continue;
    }
    // The merge's state after undefined global g - 1 is (q, g), q being how many diagnostics it
    // has shown; as the reads are sorted, q for a later read follows from an earlier one's by
    // skipping the diagnostics that do not order after the later read (none of the reads
    // between is needed).
    std::size_t g = 0;
    std::size_t q = 0;
    const auto through = [&](const lua::UndefinedGlobalRead& read) {
      const std::size_t from = q;
      while (q < n_d && !lua::orders_after(read, diagnostics[q].diagnostic)) ++q;
      return q - from;
    };
    const auto mark = [&](std::size_t d, std::size_t r) {
      return d == n_d && r == n_g ? ReportMark{i + 1, 0, 0} : ReportMark{i, d, r};
    };
    while (n_g - g >= items - in_piece) {
      g += items - in_piece;
      through(reads[g - 1]);
      cut(mark(q, g));
    }
    in_piece += n_g - g;
    if (g < n_g) in_piece += through(reads[n_g - 1]);
    // The run of diagnostics after the last undefined global: any state (q', n_g), q' >= q.
    while (in_piece + (n_d - q) >= items) {
      q += in_piece < items ? items - in_piece : 0;
      cut(mark(q, n_g));
    }
    in_piece += n_d - q;
  }
  cut({reports.size(), 0, 0});
  return plan;
}

namespace {

// The pieces in flight: taken in order by the threads that format them, written in order by one.
// Piece k is formatted into slots_[k % slots_.size()], which is free again once it is written.
class Window {
 public:
  Window(std::size_t count, std::size_t slots) : count_(count), slots_(slots) {}

  // A helper thread's loop: formats pieces until none is left.
  void format_all(PieceFormatter& format) {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return next_ == count_ || next_ < written_ + slots_.size(); });
      if (next_ == count_) return;
      format_next(lock, format);
    }
  }

  // The caller's loop: writes each piece once it is done, and formats when it would wait.
  void write_all(std::FILE* out, PieceFormatter& format) {
    std::unique_lock lock(mutex_);
    while (written_ < count_) {
      Slot& slot = slots_[written_ % slots_.size()];
      if (slot.ready) {
        lock.unlock();
        std::fwrite(slot.text.view().data(), 1, slot.text.size(), out);
        lock.lock();
        slot.ready = false;
        ++written_;
        changed_.notify_all();
      } else if (next_ < count_ && next_ < written_ + slots_.size()) {
        format_next(lock, format);
      } else {
        changed_.wait(lock);
      }
    }
  }

 private:
  struct Slot {
    ReportBuffer text;
    bool ready = false;
  };

  // Takes the next piece and formats it with the lock released.
  void format_next(std::unique_lock<std::mutex>& lock, PieceFormatter& format) {
    const std::size_t piece = next_++;
    Slot& slot = slots_[piece % slots_.size()];
    lock.unlock();
    slot.text.clear();
    format(piece, slot.text);
    lock.lock();
    slot.ready = true;
    if (piece == written_) changed_.notify_all();  // the writer may wait for this one
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  const std::size_t count_;
  std::vector<Slot> slots_;
  std::size_t next_ = 0;     // the next piece to format
  std::size_t written_ = 0;  // pieces written
};

}  // namespace

void write_pieces(std::FILE* out, std::size_t count, unsigned threads,
                  const std::function<PieceFormatter()>& make_formatter) {
  if (count == 0) return;
  if (threads == 0) threads = static_cast<unsigned>(allowed_cpus().size());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
  if (threads <= 1) {
    PieceFormatter format = make_formatter();
    ReportBuffer text;
    for (std::size_t piece = 0; piece < count; ++piece) {
      text.clear();
      format(piece, text);
      std::fwrite(text.view().data(), 1, text.size(), out);
    }
    return;
  }
  std::vector<PieceFormatter> formats;
  for (unsigned t = 0; t < threads; ++t) formats.push_back(make_formatter());
  // Two pieces a thread: one being formatted, one done and waiting for the writer.
  Window window(count, 2 * std::size_t{threads});
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t)
    helpers.push_back(start_thread([&window, &format = formats[t]] { window.format_all(format); }));
  window.write_all(out, formats[0]);
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace moonring::app
