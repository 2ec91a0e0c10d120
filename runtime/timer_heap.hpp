// A core's timers: an indexed binary min-heap, so a cancelled timer leaves in O(log n).
#pragma once

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace moonring {

using Clock = std::chrono::steady_clock;
struct TaskContext;

struct TimerEntry {
  Clock::time_point deadline;
  uint64_t sequence = 0;  // equal deadlines fire in the order they were set
  std::size_t index = SIZE_MAX;
  void (*on_fire)(TimerEntry*) = nullptr;
  void* owner = nullptr;  // for on_fire
  bool armed() const { return index != SIZE_MAX; }
};

class TimerHeap {
 public:
  void push(TimerEntry* e) {
    e->sequence = next_sequence_++;
    e->index = heap_.size();
    heap_.push_back(e);
    sift_up(e->index);
  }
  void remove(TimerEntry* e) {
    if (!e->armed()) return;
    std::size_t i = e->index;
    TimerEntry* last = heap_.back();
    heap_.pop_back();
    e->index = SIZE_MAX;
    if (last == e) return;
    heap_[i] = last;
    last->index = i;
    sift_down(i);
    sift_up(last->index);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  TimerEntry* top() const { return heap_.front(); }
  TimerEntry* pop() {
    TimerEntry* e = heap_.front();
    remove(e);
    return e;
  }

 private:
  static bool before(const TimerEntry* a, const TimerEntry* b) {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->sequence < b->sequence);
  }
  void place(std::size_t i, TimerEntry* e) {
    heap_[i] = e;
    e->index = i;
  }
  void sift_up(std::size_t i) {
    TimerEntry* e = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, e);
  }
  void sift_down(std::size_t i) {
    TimerEntry* e = heap_[i];
    std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], e)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, e);
  }

  std::vector<TimerEntry*> heap_;
  uint64_t next_sequence_ = 0;
};

}  // namespace moonring
