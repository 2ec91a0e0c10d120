// bench/load driver: loads a tree with the workspace loader, a plain sequential
// open+fstat+read+close loop, the same loop on as many threads as the loader has, and
// mmap+MAP_POPULATE (and, on the small tree, the loader's kernel path alone on as many threads:
// the ceiling), touching one byte per 4 KB page; reports GB/s, files/s, the ratios and the time
// until a file requested late in the order is ready.
//   load_bench --small DIR --large DIR [--runs N]   (run.sh builds the trees)
//   load_bench --make-large DIR                     (writes the generated large Lua files)
//   load_bench --small DIR --large DIR
//     --only loader|read|read-n|populate|ceiling|handoff|share|first
//     [--only-tree large] [--loader-threads N] [--map-threshold BYTES] [--memory-limit BYTES]
//     [--run-ahead BYTES]
//       (one contender alone, for profiling; the loader's threads, its read/map crossover, its
//       budget and how far it loads ahead)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cpus.hpp"
#include "workspace/map/batch_reader.hpp"
#include "workspace/map/loader.hpp"
#include "workspace/map/parent_dirs.hpp"

using namespace moonring;
using Clock = std::chrono::steady_clock;

namespace {

struct Tree {
  std::vector<LoadRequest> files;
  std::size_t bytes = 0;
};

Tree walk(const std::string& root) {
  Tree t;
  for (auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    auto size = static_cast<std::size_t>(e.file_size());
    t.files.push_back({e.path().string(), size});
    t.bytes += size;
  }
  std::sort(t.files.begin(), t.files.end(),
            [](const LoadRequest& a, const LoadRequest& b) { return a.path < b.path; });
  return t;
}

// One byte per 4 KB page, summed: the consumer really looks at every page.
inline uint64_t touch(const std::byte* p, std::size_t n) {
  uint64_t sum = 0;
  for (std::size_t i = 0; i < n; i += 4096) sum += static_cast<unsigned char>(p[i]);
  return sum;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "load_bench: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

// What both anchors do first: open, then fstat for the size.
int open_sized(const std::string& path, std::size_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open " + path);
  struct stat st {};
  if (fstat(fd, &st) != 0) die("stat " + path);
  size = static_cast<std::size_t>(st.st_size);
  return fd;
}

// The read loop: open, fstat for the size, read into a reused buffer until the end, close,
// touch; over files [begin, end).
uint64_t read_files(const Tree& t, std::size_t begin, std::size_t end,
                    std::vector<std::byte>& buffer) {
  uint64_t sum = 0;
  for (std::size_t i = begin; i < end; ++i) {
    std::size_t size = 0;
    const int fd = open_sized(t.files[i].path, size);
    if (buffer.size() < size + 1) buffer.resize(size + 1);
    std::size_t got = 0;
    for (ssize_t n; (n = ::read(fd, buffer.data() + got, buffer.size() - got)) > 0;) {
      got += static_cast<std::size_t>(n);
      if (got < buffer.size()) break;  // short: the end of a regular file
      buffer.resize(buffer.size() * 2);
    }
    ::close(fd);
    sum += touch(buffer.data(), got);
  }
  return sum;
}

// The anchor a plain loader would be: the read loop on one thread.
uint64_t plain_read(const Tree& t) {
  std::vector<std::byte> buffer(1 << 20);
  return read_files(t, 0, t.files.size(), buffer);
}

unsigned g_loader_threads = 0;  // --loader-threads N (0: the loader's default, one per CPU)

// As many threads as the loader has (it uses every CPU).
std::size_t loader_thread_count() {
  return g_loader_threads != 0 ? g_loader_threads : allowed_cpus().size();
}

// The anchor a user would write with the loader's threads: the same read loop on that many
// std::threads, started per pass. They take runs of 64 files from a shared counter rather than a
// fixed share each, so that a thread the shared machine slows down does not hold the others up.
uint64_t threaded_read(const Tree& t) {
  constexpr std::size_t kRun = 64;
  std::atomic<std::size_t> next{0};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> threads;
  for (std::size_t n = loader_thread_count(); n-- > 0;)
    threads.emplace_back([&] {
      std::vector<std::byte> buffer(1 << 20);
      uint64_t sum = 0;
      for (std::size_t begin; (begin = next.fetch_add(kRun)) < t.files.size();)
        sum += read_files(t, begin, std::min(t.files.size(), begin + kRun), buffer);
      total += sum;
    });
  for (auto& th : threads) th.join();
  return total;
}

// The other anchor: mmap with MAP_POPULATE on one thread.
uint64_t mmap_populate(const Tree& t) {
  uint64_t sum = 0;
  for (auto& f : t.files) {
    std::size_t size = 0;
    const int fd = open_sized(f.path, size);
    if (size == 0) {
      ::close(fd);
      continue;
    }
    void* p = mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) die("mmap " + f.path);
    ::close(fd);
    sum += touch(static_cast<const std::byte*>(p), size);
    munmap(p, size);
  }
  return sum;
}

// Ours: the whole tree handed over at once (sizes from the walk, as discovery gives them), the
// consumer takes the files in order and releases each after touching it.
std::size_t g_map_threshold = 0;  // --map-threshold BYTES (0: the loader's default)
// The loader lives as long as the program, as in the server and the CLI: starting its threads is
// start-up cost, not per-tree cost (it would be a third of a 5 ms large-tree run).
Loader* g_loader = nullptr;

// The loader takes its requests by value, as discovery hands them over (moved, not copied): the
// copies of the tree's list are made before the clock starts, one per pass.
std::vector<std::vector<LoadRequest>> g_prepared;

void prepare(const Tree& t, int passes) {
  g_prepared.assign(static_cast<std::size_t>(passes), t.files);
}

std::vector<double>* g_lead_samples = nullptr;

uint64_t loader_run(const Tree& t) {
  Loader& loader = *g_loader;
  if (g_prepared.empty()) prepare(t, 1);  // not prepared: the copy counts
  auto files = loader.load_many(std::move(g_prepared.back()));
  g_prepared.pop_back();
  uint64_t sum = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& f = files[i];
    // --only loader: how far the workers are ahead (bytes loaded and not released), sampled.
    if (g_lead_samples != nullptr && i % 1024 == 0)
      g_lead_samples->push_back(static_cast<double>(loader.bytes_in_use()));
    const auto& r = f.wait();
    if (!r.ok()) {
      std::fprintf(stderr, "load_bench: %s\n", r.error().message().c_str());
      std::exit(1);
    }
    auto b = r->bytes();
    sum += touch(b.data(), b.size());
    f.release();
  }
  return sum;
}

// The ceiling for a loader of small files on this machine at this moment: the loader's own
// kernel path (a BatchReader and ParentDirs per thread, batches of 64) with nothing else: no
// queue, no slots, no budget, no consumer thread; each thread touches the batch it read and
// frees it. One thread per CPU, as the loader has. Small files only (it reads, never maps).
uint64_t kernel_only(const Tree& t) {
  std::atomic<std::size_t> next{0};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> threads;
  for (std::size_t n = loader_thread_count(); n-- > 0;)
    threads.emplace_back([&] {
      auto reader = BatchReader::create();
      ParentDirs dirs;
      std::vector<const std::string*> paths;
      std::vector<SmallFile> batch;
      uint64_t sum = 0;
      for (std::size_t begin; (begin = next.fetch_add(BatchReader::kMaxFiles)) < t.files.size();) {
        std::size_t end = std::min(t.files.size(), begin + BatchReader::kMaxFiles);
        paths.clear();
        batch.clear();
        batch.resize(end - begin);
        for (std::size_t i = begin; i < end; ++i) {
          paths.push_back(&t.files[i].path);
          batch[i - begin].expected = t.files[i].size;
        }
        dirs.resolve(paths, batch);
        reader->read(batch);
        dirs.close_all();
        for (auto& f : batch) {
          if (!f.done) {
            std::fprintf(stderr, "load_bench: kernel-only read of %s failed\n", f.name);
            std::exit(1);
          }
          sum += touch(f.bytes.data.get(), f.bytes.size);
        }
      }
      total += sum;
    });
  for (auto& th : threads) th.join();
  return total;
}

// For profiling (--only handoff): the ceiling's readers hand each batch to the calling thread,
// which touches and frees it, as the loader's consumer does (in the order batches arrive, with
// one mutex and no slots). The difference to kernel-only is the cost of a consumer on another
// thread; the difference to the loader, the loader's own bookkeeping.
uint64_t kernel_handoff(const Tree& t) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::vector<SmallFile>> batches;
  std::size_t readers = loader_thread_count();
  std::vector<std::thread> threads;
  for (std::size_t n = readers; n-- > 0;)
    threads.emplace_back([&] {
      auto reader = BatchReader::create();
      ParentDirs dirs;
      std::vector<const std::string*> paths;
      for (std::size_t begin; (begin = next.fetch_add(BatchReader::kMaxFiles)) < t.files.size();) {
        std::size_t end = std::min(t.files.size(), begin + BatchReader::kMaxFiles);
        std::vector<SmallFile> batch(end - begin);
        paths.clear();
        for (std::size_t i = begin; i < end; ++i) {
          paths.push_back(&t.files[i].path);
          batch[i - begin].expected = t.files[i].size;
        }
        dirs.resolve(paths, batch);
        reader->read(batch);
        dirs.close_all();
        {
          std::lock_guard lock(mutex);
          batches.push_back(std::move(batch));
        }
        ready.notify_one();
      }
      {
        std::lock_guard lock(mutex);
        --readers;
      }
      ready.notify_one();
    });
  uint64_t sum = 0;
  for (;;) {
    std::vector<SmallFile> batch;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return !batches.empty() || readers == 0; });
      if (batches.empty()) break;
      batch = std::move(batches.front());
      batches.pop_front();
    }
    for (auto& f : batch) {
      if (!f.done) {
        std::fprintf(stderr, "load_bench: handoff read of %s failed\n", f.name);
        std::exit(1);
      }
      sum += touch(f.bytes.data.get(), f.bytes.size);
    }
  }
  for (auto& th : threads) th.join();
  return sum;
}

// Minor page faults of the whole process so far.
long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// User + system time of the whole process (all threads), or of the calling thread.
double cpu_seconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Figures {
  double gbps, files_per_s;
};

// Runs the contenders `runs` times, interleaved, and checks that they all saw the same bytes.
// Each run times `reps` passes in a row and counts their mean: a pass over the large tree takes
// a few milliseconds, too short to time alone on a shared machine.
std::vector<Figures> measure(const Tree& t, int runs, int reps, const char* name,
                             bool with_ceiling) {
  std::vector<std::function<uint64_t(const Tree&)>> contenders{loader_run, plain_read,
                                                               mmap_populate, threaded_read};
  const std::string read_n = "read x" + std::to_string(loader_thread_count());
  const char* labels[] = {"loader", "read", "mmap+populate", read_n.c_str(), "kernel-only"};
  if (with_ceiling) contenders.push_back(kernel_only);
  std::vector<std::vector<double>> seconds(contenders.size());
  uint64_t expected = plain_read(t);  // warms the page cache as well
  // Run -1 is each contender's untimed warm-up (its buffers, its allocator's memory), as the
  // read above is the read loop's.
  for (int r = -1; r < runs; ++r)
    for (std::size_t c = 0; c < contenders.size(); ++c) {
      if (c == 0) prepare(t, reps);
      auto start = Clock::now();
      uint64_t sum = 0;
      for (int k = 0; k < reps; ++k) sum = contenders[c](t);
      if (r >= 0)
        seconds[c].push_back(std::chrono::duration<double>(Clock::now() - start).count() / reps);
      if (sum != expected) {
        std::fprintf(stderr, "load_bench: %s saw different bytes (%llu vs %llu)\n", labels[c],
                     static_cast<unsigned long long>(sum),
                     static_cast<unsigned long long>(expected));
        std::exit(1);
      }
    }
  std::vector<Figures> out;
  std::printf("%s tree: %zu files, %.1f MB, median of %d runs of %d passes each\n", name,
              t.files.size(), static_cast<double>(t.bytes) / 1e6, runs, reps);
  for (std::size_t c = 0; c < contenders.size(); ++c) {
    double s = median(seconds[c]);
    out.push_back(
        {static_cast<double>(t.bytes) / s / 1e9, static_cast<double>(t.files.size()) / s});
    std::printf("  %-14s %6.2f GB/s  %9.0f files/s  (%.4f s; runs:", labels[c], out[c].gbps,
                out[c].files_per_s, s);
    for (double x : seconds[c]) std::printf(" %.4f", x);
    std::printf(")\n");
  }
  return out;
}

// Time until a file far down the queue is ready once requested, while the tree loads.
double first_file_ms(const Tree& t, int runs) {
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    Loader loader;
    auto files = loader.load_many(t.files);
    std::size_t late = t.files.size() - 1 - static_cast<std::size_t>(r) * 97;
    auto start = Clock::now();
    AsyncFile f = loader.request(t.files[late].path);
    const auto& result = f.wait();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!result.ok() || result->size() != t.files[late].size) {
      std::fprintf(stderr, "load_bench: the requested file did not load\n");
      std::exit(1);
    }
    if (files[late].is_ready() && f.completion_sequence() > t.files.size() / 2) {
      std::fprintf(stderr, "load_bench: the requested file was not served first\n");
      std::exit(1);
    }
  }
  std::printf("first requested file ready: median %.3f ms (runs:", median(ms));
  for (double x : ms) std::printf(" %.3f", x);
  std::printf(")\n");
  return median(ms);
}

// ~50 Lua files of 5-10 MB, the same bytes every time.
void make_large(const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < 50; ++i) {
    std::size_t size = (5u << 20) + (static_cast<std::size_t>(i) * 1048573u) % (5u << 20);
    std::string text;
    text.reserve(size + 128);
    for (unsigned n = 0; text.size() < size; ++n) {
      text += "local function f" + std::to_string(n) + "(a, b)\n  local t = { x = a * " +
              std::to_string(n % 97) + ", y = \"" +
              std::to_string(n * 31u + static_cast<unsigned>(i)) +
              "\" }\n  return t.x + (b or 0)\nend\n";
    }
    std::ofstream out(dir + "/large" + std::to_string(i) + ".lua", std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) die("write " + dir);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string small_dir, large_dir;
  int runs = 5;
  // --only loader|read|read-n|populate|ceiling|handoff: one contender alone, for profiling; on
  // the small tree unless --only-tree large. --only first: the time until a requested file is
  // ready, alone.
  std::string only;
  std::string only_tree = "small";
  // --memory-limit BYTES: the loader's budget (0: its default), which bounds how far the workers
  // run ahead of the consumer.
  std::size_t memory_limit = 0;
  // --run-ahead BYTES: the loader's LoaderConfig::run_ahead (0: its default; more than the tree
  // holds: no window), how far its reads run ahead of the consumer.
  std::size_t run_ahead = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--small")
      small_dir = argv[i + 1];
    else if (a == "--large")
      large_dir = argv[i + 1];
    else if (a == "--loader-threads")
      g_loader_threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (a == "--map-threshold")
      g_map_threshold = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (a == "--memory-limit")
      memory_limit = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (a == "--run-ahead")
      run_ahead = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (a == "--only")
      only = argv[i + 1];
    else if (a == "--only-tree")
      only_tree = argv[i + 1];
    else if (a == "--runs")
      runs = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--make-large") {
      make_large(argv[i + 1]);
      return 0;
    }
  }
  if (small_dir.empty() || large_dir.empty()) {
    std::fprintf(stderr, "usage: load_bench --small DIR --large DIR [--runs N]\n");
    return 2;
  }
  Tree small = walk(small_dir);
  Tree large = walk(large_dir);
  LoaderConfig config;
  config.threads = g_loader_threads;
  if (g_map_threshold != 0) config.map_threshold = g_map_threshold;
  if (memory_limit != 0) config.memory_limit = memory_limit;
  if (run_ahead != 0) config.run_ahead = run_ahead;
  Loader loader(config);
  g_loader = &loader;
  if (only == "first") {
    first_file_ms(small, runs);
    return 0;
  }
  if (only == "share") {
    // The loader against its ceiling, alternating passes in one process: the steadiest figure
    // for comparing two builds of the loader on a shared machine. `handoff` in the same passes
    // tells what a consumer on another thread costs by itself (no slots, queues or budget): the
    // part of the gap that is not the loader's own machinery.
    std::vector<double> shares, handoff_shares;
    for (int r = 0; r < runs; ++r) {
      prepare(small, 1);
      auto start = Clock::now();
      loader_run(small);
      double loader_s = std::chrono::duration<double>(Clock::now() - start).count();
      start = Clock::now();
      kernel_only(small);
      double ceiling_s = std::chrono::duration<double>(Clock::now() - start).count();
      start = Clock::now();
      kernel_handoff(small);
      double handoff_s = std::chrono::duration<double>(Clock::now() - start).count();
      shares.push_back(ceiling_s / loader_s);
      handoff_shares.push_back(ceiling_s / handoff_s);
    }
    std::printf("loader at %.3f of the kernel-only ceiling (median of %d)\n", median(shares), runs);
    std::printf("handoff at %.3f of it: the ceiling with its consumer on another thread\n",
                median(handoff_shares));
    return 0;
  }
  if (!only.empty()) {
    auto fn = only == "loader"    ? loader_run
              : only == "read"    ? plain_read
              : only == "read-n"  ? threaded_read
              : only == "ceiling" ? kernel_only
              : only == "handoff" ? kernel_handoff
                                  : mmap_populate;
    for (int r = 0; r < runs; ++r) {
      if (only == "loader") prepare(only_tree == "large" ? large : small, 1);
      auto start = Clock::now();
      double cpu_start = cpu_seconds();
      double main_start = cpu_seconds(RUSAGE_THREAD);
      long faults_start = minor_faults();
      std::vector<double> lead;
      if (only == "loader") g_lead_samples = &lead;
      uint64_t sum = fn(only_tree == "large" ? large : small);
      // CPU time as well (all threads, and the consumer's own): less disturbed than wall time by
      // other work on a shared machine. The start on CLOCK_MONOTONIC (steady_clock here), to cut
      // a profile taken with `perf record -k CLOCK_MONOTONIC` to the passes.
      auto end = Clock::now();
      g_lead_samples = nullptr;
      std::printf("%s: %.6f s, cpu %.6f s, consumer %.6f s, %ld page faults (sum %llu) from %.6f",
                  only.c_str(), std::chrono::duration<double>(end - start).count(),
                  cpu_seconds() - cpu_start, cpu_seconds(RUSAGE_THREAD) - main_start,
                  minor_faults() - faults_start, static_cast<unsigned long long>(sum),
                  std::chrono::duration<double>(start.time_since_epoch()).count());
      if (!lead.empty()) std::printf(", held %.1f MB (median)", median(lead) / 1e6);
      std::printf("\n");
    }
    // How far the workers ran ahead of the consumer: the bytes loaded and not yet released.
    if (only == "loader")
      std::printf("loader: peak %.1f MB held\n", static_cast<double>(loader.peak_bytes()) / 1e6);
    return 0;
  }
  auto s = measure(small, runs, 1, "small", true);
  // The large tree loads in milliseconds: more runs, and 10 passes per run.
  auto l = measure(large, std::max(runs, 9), 10, "large", false);
  double first = first_file_ms(small, runs);
  double vs_read = s[0].gbps / s[1].gbps;
  double vs_populate = s[0].gbps / s[2].gbps;
  double large_vs_populate = l[0].gbps / l[2].gbps;
  // The anchor with the loader's parallelism: what a user would write with the same CPUs.
  double vs_read_nthreads = s[0].gbps / s[3].gbps;
  // How near the loader is to what the machine allows right now: steadier across runs than
  // vs_read, which moves with the machine's spare parallelism.
  double ceiling_share = s[0].gbps / s[4].gbps;
  std::printf(
      "small: loader at %.2f of the kernel-only ceiling, which is %.2fx the read loop "
      "and %.2fx the read loop on %zu threads\n",
      ceiling_share, s[4].gbps / s[1].gbps, s[4].gbps / s[3].gbps, loader_thread_count());
  std::printf("large: loader %.2f GB/s vs read %.2f GB/s (%.2fx), on %zu threads %.2f GB/s\n",
              l[0].gbps, l[1].gbps, l[0].gbps / l[1].gbps, loader_thread_count(), l[3].gbps);
  std::printf(
      "bench load: gb_per_s=%.2f vs_read=%.2f vs_populate=%.2f large_vs_populate=%.2f "
      "first_file_ms=%.3f vs_read_nthreads=%.2f ceiling_share=%.2f\n",
      s[0].gbps, vs_read, vs_populate, large_vs_populate, first, vs_read_nthreads, ceiling_share);
  return 0;
}
