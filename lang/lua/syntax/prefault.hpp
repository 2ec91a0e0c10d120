// Makes the pages of large arrays resident ahead of the thread that fills them, on a thread of its
// own. A 20 MB file's tree and binding write ~200 MB of fresh memory; the kernel zeroing it page
// by page was a quarter of that file's time, on the one core it keeps busy while the other has run
// out of files. The filler says how far it has written (filled); the warming stays a window
// ahead of that, so memory a file never uses is never touched. The regions ask for 2 MB pages,
// and the thread runs on every CPU of the process (not the one its starter may be pinned to).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace moonring::lua {

class Prefaulter {
 public:
  static constexpr std::size_t kMaxRegions = 4;
  static constexpr std::size_t kNever = ~std::size_t{0};
  // How far ahead of the filler pages are made resident: enough for the warming thread to be
  // scheduled late by a few milliseconds (a filler writes ~0.5 GB/s), little enough that memory a
  // file never uses costs nothing noticeable. Populated a chunk per system call.
  static constexpr std::size_t kWindow = std::size_t{4} << 20;
  static constexpr std::size_t kChunk = std::size_t{1} << 20;

  Prefaulter();
  ~Prefaulter();  // stops the warming and waits for it
  Prefaulter(const Prefaulter&) = delete;
  Prefaulter& operator=(const Prefaulter&) = delete;

  // Region `index` is [base, base + bytes): memory mapped for the filler (reserved, untouched).
  // Returns false (and nothing is warmed) when the system cannot populate pages ahead.
  bool watch(std::size_t index, void* base, std::size_t bytes);
  // The filler has written `bytes` from the region's base. Cheap: a store, and a wake-up of the
  // warming thread each time it may go on.
  void filled(std::size_t index, std::size_t bytes) {
    Region& r = regions_[index];
    r.filled.store(bytes);
    // Once per mark: the thread sets the next one when it has caught up (the exchange fails
    // if it did meanwhile, and then it has read `filled` since).
    std::size_t mark = r.wake_at.load();
    if (bytes >= mark && r.wake_at.compare_exchange_strong(mark, kNever)) wake();
  }
  // The region's memory is about to be freed or moved: after this returns it is never touched.
  void retire(std::size_t index);

 private:
  struct Region {
    std::atomic<std::size_t> filled{0};
    std::atomic<std::size_t> wake_at{kNever};  // filled() wakes the thread from here
    std::atomic<bool> retired{false};
    std::uintptr_t base = 0;  // set by watch() before the thread reads it (under mutex_)
    std::size_t bytes = 0;
    std::size_t warmed = 0;  // the thread's: bytes from base made resident
  };

  void wake();
  void run();
  // One step of the warming: populates the next chunk of some region; false when none is due.
  bool warm_one();

  std::array<Region, kMaxRegions> regions_;
  std::mutex mutex_;  // held while a chunk is populated, and by watch() and retire()
  std::atomic<std::uint32_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace moonring::lua
