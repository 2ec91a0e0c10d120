// What memory the process has not used before costs on this machine, by page size and by how it is
// made resident (docs/DESIGN.md, "Facts measured"). Each case maps SIZE MB of anonymous memory and
// writes one byte per 4 KB page:
//   touch_4k        4 KB pages, one fault per page
//   populate_4k     4 KB pages made resident first by MADV_POPULATE_WRITE (timed alone), then
//   first_write_4k  the write pass over those resident pages
//   fresh_2m        2 MB pages (MADV_HUGEPAGE) the process has not freed lately
//   recycled_2m     2 MB pages mapped again at once after the previous case's munmap
// A virtual machine whose balloon reports free memory to its host gives a page back to the host
// some time after it is freed, so the cases that want fresh memory wait PAUSE seconds first.
// Medians of RUNS runs; the last line reads
// `bench fresh-memory: touch_4k_mb_s=… populate_4k_mb_s=… first_write_4k_mb_s=… fresh_2m_mb_s=…
//  recycled_2m_mb_s=…`.
//   fresh_memory [--size MB] [--runs N] [--pause SECONDS]   (256, 3, 3)
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPage = 4096;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

char* map(std::size_t bytes, int advice) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  if (madvise(p, bytes, advice) != 0) die("madvise");
  return static_cast<char*>(p);
}

// Seconds to write one byte per 4 KB page of [p, p + bytes).
double write_pages(char* p, std::size_t bytes) {
  const auto start = Clock::now();
  for (std::size_t i = 0; i < bytes; i += kPage) p[i] = static_cast<char>(i >> 12);
  asm volatile("" : : "r"(p) : "memory");  // the writes are the measurement: keep them
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 256;
  int runs = 3;
  int pause = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--size")
      mb = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    else if (a == "--runs")
      runs = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--pause")
      pause = std::max(0, std::atoi(argv[i + 1]));
  }
#ifndef MADV_POPULATE_WRITE
  std::fprintf(stderr, "fresh_memory: this system has no MADV_POPULATE_WRITE\n");
  return 1;
#else
  const std::size_t bytes = mb << 20;
  const auto rate = [mb](double seconds) { return static_cast<double>(mb) / seconds; };
  std::vector<double> touch_4k, populate_4k, first_write_4k, fresh_2m, recycled_2m;
  const auto settle = [pause] { std::this_thread::sleep_for(std::chrono::seconds(pause)); };
  for (int r = 0; r < runs; ++r) {
    settle();
    char* p = map(bytes, MADV_NOHUGEPAGE);
    touch_4k.push_back(rate(write_pages(p, bytes)));
    munmap(p, bytes);

    settle();
    p = map(bytes, MADV_NOHUGEPAGE);
    const auto start = Clock::now();
    if (madvise(p, bytes, MADV_POPULATE_WRITE) != 0) die("madvise(MADV_POPULATE_WRITE)");
    populate_4k.push_back(rate(std::chrono::duration<double>(Clock::now() - start).count()));
    first_write_4k.push_back(rate(write_pages(p, bytes)));
    munmap(p, bytes);

    settle();
    p = map(bytes, MADV_HUGEPAGE);
    fresh_2m.push_back(rate(write_pages(p, bytes)));
    munmap(p, bytes);
    p = map(bytes, MADV_HUGEPAGE);
    recycled_2m.push_back(rate(write_pages(p, bytes)));
    munmap(p, bytes);
  }
  // The 2 MB cases need transparent huge pages in `madvise` or `always` mode.
  std::string thp;
  std::getline(std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"), thp);
  std::printf("%zu MB, medians of %d runs, MB/s (a %d s pause before each fresh case); THP: %s\n",
              mb, runs, pause, thp.empty() ? "unknown" : thp.c_str());
  std::printf("  touch_4k        %8.0f  one fault per 4 KB page\n", median(touch_4k));
  std::printf("  populate_4k     %8.0f  MADV_POPULATE_WRITE alone\n", median(populate_4k));
  std::printf("  first_write_4k  %8.0f  the first write to those resident pages\n",
              median(first_write_4k));
  std::printf("  fresh_2m        %8.0f  2 MB pages not freed lately\n", median(fresh_2m));
  std::printf("  recycled_2m     %8.0f  2 MB pages freed just before\n", median(recycled_2m));
  std::printf(
      "bench fresh-memory: touch_4k_mb_s=%.0f populate_4k_mb_s=%.0f first_write_4k_mb_s=%.0f "
      "fresh_2m_mb_s=%.0f recycled_2m_mb_s=%.0f\n",
      median(touch_4k), median(populate_4k), median(first_write_4k), median(fresh_2m),
      median(recycled_2m));
  return 0;
#endif
}
