// The warming thread of a Prefaulter: see prefault.hpp.
#include "lang/lua/syntax/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "lang/lua/syntax/process_cpus.hpp"

namespace moonring::lua {

namespace {

#ifdef MADV_POPULATE_WRITE
constexpr int kPopulate = MADV_POPULATE_WRITE;
#else
constexpr int kPopulate = -1;
#endif

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// Asks for 2 MB pages on the aligned interior of [base, base + bytes), mapped and not yet touched:
// a fault (or a populate) then zeroes and maps 512 pages at once. On a 20 MB file's check the
// page-by-page faults were about a sixth of its time. Only a hint: without transparent huge pages
// nothing changes.
void advise_huge_pages(void* base, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto start = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t from = (start + kHuge - 1) / kHuge * kHuge;
  const std::uintptr_t to = (start + bytes) / kHuge * kHuge;
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#else
  (void)base;
  (void)bytes;
#endif
}

}  // namespace

Prefaulter::Prefaulter() = default;

Prefaulter::~Prefaulter() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  wake();
  thread_.join();
}

bool Prefaulter::watch(std::size_t index, void* base, std::size_t bytes) {
  if (kPopulate < 0 || index >= kMaxRegions) return false;
  const std::size_t page = page_size();
  // Whole pages inside the region only: the pages at its edges may hold other data.
  const auto start = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t first = (start + page - 1) / page * page;
  const std::uintptr_t last = (start + bytes) / page * page;
  if (last <= first) return false;
  advise_huge_pages(reinterpret_cast<void*>(first), last - first);
  {
    const std::lock_guard lock(mutex_);
    Region& r = regions_[index];
    r.base = first;
    r.bytes = last - first;
    r.warmed = 0;
    r.retired.store(false);
    r.wake_at.store(0);  // due at once: the first window
  }
  if (!thread_.joinable())
    thread_ = std::thread([this] {
      run_on_process_cpus();
      run();
    });
  wake();
  return true;
}

void Prefaulter::retire(std::size_t index) {
  const std::lock_guard lock(mutex_);  // waits out a chunk being populated
  regions_[index].retired.store(true);
}

void Prefaulter::wake() {
  generation_.fetch_add(1);
  generation_.notify_one();
}

bool Prefaulter::warm_one() {
  const std::lock_guard lock(mutex_);
  for (Region& r : regions_) {
    if (r.bytes == 0 || r.retired.load() || r.warmed >= r.bytes) continue;
    // `filled` counts from the region's start, which may lie before `base` by under a page.
    const std::size_t target = std::min(r.bytes, r.filled.load() + kWindow);
    if (r.warmed + kChunk / 2 > target) {
      // Not due: wake when the filler is half a window from the warmed end. Read `filled`
      // again after publishing the mark, so that a fill in between is not missed.
      r.wake_at.store(r.warmed > kWindow / 2 ? r.warmed - kWindow / 2 : 0);
      if (r.filled.load() + kWindow < r.warmed + kChunk / 2) continue;
    }
    const std::size_t n = std::min(kChunk, r.bytes - r.warmed);
    // A failure (no memory now, or a kernel without it) only means the filler faults as before.
    if (madvise(reinterpret_cast<void*>(r.base + r.warmed), n, kPopulate) != 0) {
      r.retired.store(true);
      continue;
    }
    r.warmed += n;
    return true;
  }
  return false;
}

void Prefaulter::run() {
  for (;;) {
    // The generation before the stop flag: a stop (flag, then generation) after this read of the
    // flag changes the generation from `seen`, so the wait below cannot miss it.
    const std::uint32_t seen = generation_.load();
    if (stop_.load()) return;
    if (warm_one()) continue;
    generation_.wait(seen);
  }
}

}  // namespace moonring::lua
