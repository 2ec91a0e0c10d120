// The SIGBUS handler and its lock-free region table (see sigbus_guard.hpp and docs/workspace.md).
#include "workspace/map/sigbus_guard.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace moonring::sigbus_guard {
namespace {

// 16,384 regions mapped at once is far beyond what the loader's memory budget admits for large
// files; a full table degrades to unprotected mappings rather than failing.
constexpr uint32_t kSlots = 16384;

// A seqlock per slot: the handler takes begin and end only from a stable, even sequence, so it
// never pairs the begin of one registration with the end of the next.
struct Slot {
  std::atomic<uint32_t> sequence{0};  // odd while the slot changes
  std::atomic<uintptr_t> begin{0};    // 0: free; 1: claimed, not yet filled
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> writable{false};
  std::atomic<bool> truncated{false};
};

Slot g_slots[kSlots];
std::atomic<uint32_t> g_hint{0};
struct sigaction g_previous {};
uintptr_t g_page_size = 4096;  // set before the handler is installed (sysconf is not signal-safe)
std::once_flag g_installed;

// Async-signal-safe: atomics, mmap and sigaction only.
void on_sigbus(int sig, siginfo_t* info, void* ucontext) {
  auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (uint32_t i = 0; i < kSlots; ++i) {
    Slot& s = g_slots[i];
    uint32_t seq = s.sequence.load();
    if (seq & 1) continue;
    uintptr_t begin = s.begin.load();
    uintptr_t end = s.end.load();
    if (s.sequence.load() != seq) continue;
    if (begin <= 1 || addr < begin || addr >= end) continue;
    // Replace everything from the faulting page to the end of the region with zero pages, so the
    // reader continues (and does not fault once per page); the consumer sees the flag.
    uintptr_t page = g_page_size;
    uintptr_t from = addr & ~(page - 1);
    int prot = PROT_READ | (s.writable.load(std::memory_order_relaxed) ? PROT_WRITE : 0);
    void* p = mmap(reinterpret_cast<void*>(from), end - from, prot,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) break;
    s.truncated.store(true, std::memory_order_release);
    return;
  }
  // Not ours: hand over to whoever was there before, or die with the default action.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) return g_previous.sa_sigaction(sig, info, ucontext);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
             g_previous.sa_handler != nullptr) {
    return g_previous.sa_handler(sig);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGBUS, &dfl, nullptr);  // returning re-executes the access, which now kills
}

void install() {
  g_page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &g_previous);
}

}  // namespace

uint32_t add(const void* begin, std::size_t length, bool writable) {
  if (length == 0) return kNone;
  std::call_once(g_installed, install);
  uint32_t start = g_hint.load(std::memory_order_relaxed);
  for (uint32_t n = 0; n < kSlots; ++n) {
    uint32_t i = (start + n) % kSlots;
    Slot& s = g_slots[i];
    uintptr_t expected = 0;
    if (!s.begin.compare_exchange_strong(expected, 1)) continue;  // claimed
    s.sequence.fetch_add(1);
    s.writable.store(writable);
    s.truncated.store(false);
    s.end.store(reinterpret_cast<uintptr_t>(begin) + length);
    s.begin.store(reinterpret_cast<uintptr_t>(begin));
    s.sequence.fetch_add(1);
    g_hint.store(i + 1, std::memory_order_relaxed);
    return i;
  }
  return kNone;
}

void remove(uint32_t slot) {
  if (slot == kNone) return;
  Slot& s = g_slots[slot];
  s.sequence.fetch_add(1);
  s.end.store(0);
  s.begin.store(1);
  s.sequence.fetch_add(1);
  s.begin.store(0);  // free for the next add()
}

bool truncated(uint32_t slot) {
  return slot != kNone && g_slots[slot].truncated.load(std::memory_order_acquire);
}

void mark_truncated(uint32_t slot) {
  if (slot != kNone) g_slots[slot].truncated.store(true, std::memory_order_release);
}

}  // namespace moonring::sigbus_guard
