// glibc's malloc, tuned for how moonring allocates, by re-executing once with GLIBC_TUNABLES.
//
// A command grows its heap by millions of small objects; glibc grows each thread's arena 128 KB
// at a time and the kernel backs it 4 KB page by 4 KB page, one page fault each; and a buffer over
// the mmap threshold (128 KB at first) gets pages of its own, faulted again for every file. Given
// 16 MB steps (glibc.malloc.top_pad) on transparent huge pages (glibc.malloc.hugetlb=1, which
// madvises the arenas: it needs THP `madvise` or `always`), and buffers up to 32 MB kept in the
// arenas (glibc.malloc.mmap_threshold: with huge pages on, each mmap'd buffer was rounded up to
// a zeroed 2 MB page, which made the 1 GB index slower), the same work takes a few hundred faults
// instead of thousands (docs/DESIGN.md, "Facts measured"). glibc reads its tunables only when a
// program starts, hence the re-exec; the environment the user gave is put back right after it,
// so that children (a debuggee) inherit theirs, not ours.
//
// Off with MOONRING_MALLOC_TUNING=off; left alone when GLIBC_TUNABLES already sets one of these
// tunables (the user's choice stands) and in sanitizer builds (their allocator is not glibc's)
// unless MOONRING_MALLOC_TUNING=on.
#pragma once

#include <optional>
#include <string>

namespace moonring::app {

inline constexpr const char* kMallocTunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216:glibc.malloc.mmap_threshold=33554432";

// What the re-exec sets: GLIBC_TUNABLES for the new image, and the marker that tells the new
// image what to put back.
struct MallocReexec {
  std::string tunables;
  std::string marker;  // "=" + the user's GLIBC_TUNABLES, or "" when it was unset
};

// The re-exec to do, from the environment's values (null: unset); nullopt when none.
std::optional<MallocReexec> malloc_reexec_plan(const char* glibc_tunables, const char* tuning,
                                               const char* marker, bool sanitized);

// In the re-executed image: the user's GLIBC_TUNABLES back, the marker gone. True if this image
// is the re-executed one.
bool restore_after_malloc_reexec();

// Re-executes this program (/proc/self/exe, same argv) with the tunables when the plan says
// so; returns when it does not, or when the exec failed (then with the environment as it was).
void tune_malloc(char** argv);

}  // namespace moonring::app
