// walk_cost TREE [RUNS]: what discovery costs against reading the files it finds, in one run
// (warm cache): the walk with sizes, without sizes, and a sequential open+read+close of every
// file found; wall and CPU time, medians. Not a test: a measurement for docs/workspace.md
// (build it in a Release tree; belongs in bench/ once that has a discovery bench).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "workspace/discover/discover.hpp"

using namespace moonring::workspace;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Phase {
  std::vector<double> wall, cpu;
};

template <typename F>
void timed(Phase& p, F&& f) {
  auto t = Clock::now();
  double c = cpu_seconds();
  f();
  p.wall.push_back(seconds_since(t));
  p.cpu.push_back(cpu_seconds() - c);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: walk_cost TREE [RUNS]\n");
    return 2;
  }
  DiscoverOptions options;
  options.roots = {argv[1]};
  options.associations = {"*.lua", "*.nse"};
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  Phase walk, bare, read;
  std::vector<double> first_ms;
  std::vector<std::string> paths;
  std::vector<char> buffer(1 << 20);
  for (int run = 0; run < runs; ++run) {
    paths.clear();
    double first = -1;
    auto start = Clock::now();
    timed(walk, [&] {
      discover_files(options, {[&](DiscoveredFile&& f) {
                                 if (first < 0) first = seconds_since(start) * 1000;
                                 paths.push_back(std::move(f.path));
                               },
                               {}});
    });
    first_ms.push_back(first);
    DiscoverOptions no_sizes = options;
    no_sizes.sizes = false;
    timed(bare, [&] { discover_files(no_sizes, {}); });
    uint64_t bytes = 0;
    timed(read, [&] {
      for (const auto& p : paths) {
        int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n;
        while ((n = ::read(fd, buffer.data(), buffer.size())) > 0)
          bytes += static_cast<uint64_t>(n);
        ::close(fd);
      }
    });
    std::printf(
        "run %d: files=%zu walk=%.3fs cpu=%.3fs  no_sizes=%.3fs cpu=%.3fs  read=%.3fs "
        "cpu=%.3fs (%.2f GB)  first_file=%.2fms\n",
        run, paths.size(), walk.wall.back(), walk.cpu.back(), bare.wall.back(), bare.cpu.back(),
        read.wall.back(), read.cpu.back(), static_cast<double>(bytes) / 1e9, first);
  }
  std::printf(
      "walk_cost: walk_s=%.3f walk_cpu_s=%.3f no_sizes_s=%.3f no_sizes_cpu_s=%.3f "
      "read_s=%.3f read_cpu_s=%.3f read_vs_walk=%.1f read_vs_no_sizes=%.1f "
      "first_file_ms=%.2f\n",
      median(walk.wall), median(walk.cpu), median(bare.wall), median(bare.cpu), median(read.wall),
      median(read.cpu), median(read.wall) / median(walk.wall),
      median(read.wall) / median(bare.wall), median(first_ms));
}
