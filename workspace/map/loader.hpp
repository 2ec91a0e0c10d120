// The workspace loader: brings files into memory in the background, choosing per file: small
// files are read into owned buffers, large ones mapped and prefaulted. Urgent requests (files the
// editor opened, files a request asks about) jump the queue; the bytes held at once are bounded.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "workspace/map/async_file.hpp"
#include "workspace/map/batch_reader.hpp"
#include "workspace/map/memory_budget.hpp"
#include "workspace/map/parent_dirs.hpp"

namespace moonring {

inline constexpr std::size_t kUnknownSize = SIZE_MAX;

struct LoaderConfig {
  unsigned threads = 0;                   // 0: one per CPU this process may use
  std::size_t memory_limit = 512u << 20;  // bytes mapped or copied and not yet released
  std::size_t urgent_reserve = 0;         // kept for urgent files; 0: memory_limit / 8
  // Files of at least this size are mapped and prefaulted; smaller ones are read. 1 MB follows
  // DESIGN.md's measurements (read wins on ~10 KB files, mapping on multi-MB ones); the crossover
  // itself has not been measured on this machine.
  std::size_t map_threshold = 1u << 20;
  // Background files a worker takes per visit to the queue (fewer lock round trips), up to this
  // many files and bytes: an urgent file waits at most for one batch.
  std::size_t batch = 64;
  std::size_t batch_bytes = 1u << 20;
  // Background files to be read (below map_threshold) start only while the bytes held (loaded,
  // not yet released) stay within this (0: up to memory_limit), unless a consumer waits for a
  // file no worker has taken yet. What is read far ahead of its consumer goes cold before it is
  // used: the copies' destinations and the consumer's reads miss the caches (bench/load).
  std::size_t run_ahead = 4u << 20;
  bool start_paused = false;
};

enum class Priority : uint8_t { background, urgent };

struct LoadRequest {
  std::string path;
  std::size_t size = kUnknownSize;  // from discovery, when known: saves a stat per file
  Priority priority = Priority::background;
};

class Loader {
 public:
  explicit Loader(LoaderConfig config = {});
  // Stops the workers after the file each is on; files not started fail as cancelled.
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  AsyncFile load(std::string path, std::size_t size = kUnknownSize,
                 Priority priority = Priority::background);
  // Many at once under one lock, in order (the order is the background queue's order). A file
  // whose handles are all dropped before it is reached is not loaded.
  std::vector<AsyncFile> load_many(std::vector<LoadRequest> requests);
  // Urgent: a file already queued moves to the front; one loading or loaded is shared.
  AsyncFile request(const std::string& path);

  // While paused, workers finish the file in hand and take no new one (files still queue).
  void pause();
  void resume();

  std::size_t bytes_in_use() const;
  std::size_t peak_bytes() const;
  const LoaderConfig& config() const { return config_; }

 private:
  using SlotPtr = SlotRef;
  // Queues hold slots weakly (SlotRef::try_lock): a file whose every handle is gone before a
  // worker reaches it is never loaded, and a loaded file's memory goes back when its last handle
  // does. The slots' blocks stay while `blocks_` holds them.
  using QueuedSlot = SlotCell*;
  using Lock = std::unique_lock<std::recursive_mutex>;
  // A file taken from a queue with its memory already admitted.
  struct Job {
    SlotPtr slot;
    MemoryLease lease;
    int fd = -1;  // opened already when the size had to be asked
  };
  void worker();
  // The functions below are called with the lock held and return with it held.
  // Takes background files from the head while they fit: admission follows the queue order, so
  // a consumer that takes files in that order and releases them never waits for memory that
  // files behind it hold.
  void take_background(std::vector<Job>& jobs, Lock& lock);
  bool pop_urgent(SlotPtr& out);
  void serve_urgent(SlotPtr slot, Lock& lock);
  // Claims the slot and opens it to learn its size (the lock is dropped meanwhile); false when
  // it failed (the slot is then finished).
  bool open_for_size(const SlotPtr& slot, std::size_t& size, int& fd, Lock& lock);
  // Whether `bytes` more fit, with `pending` taken but not yet admitted (a batch is admitted
  // once, at its end).
  bool fits(std::size_t bytes, bool urgent, std::size_t pending = 0) const;
  // Without the lock: reads or maps the file.
  Result<FileContent> load(Job job);
  // A small file's bytes as content, its lease grown if the file grew.
  Result<FileContent> owned_content(Job job, OwnedBytes owned);
  // A worker's means for batches of small files, reused from batch to batch.
  struct SmallLoads {
    std::unique_ptr<BatchReader> reader;
    ParentDirs dirs;
    std::vector<const std::string*> paths;
    std::vector<SmallFile> files;
  };
  bool small_batchable(const Job& job) const;
  // Without the lock: loads `jobs` (small, size known) and appends their results to `done`.
  void load_small(std::span<Job> jobs, SmallLoads& small,
                  std::vector<std::pair<SlotPtr, Result<FileContent>>>& done);
  // Without the lock: completes a batch's files, last first.
  void publish(std::vector<std::pair<SlotPtr, Result<FileContent>>>& done);
  void finish(SlotPtr slot, Result<FileContent> result);
  void finish(SlotPtr slot, Result<FileContent> result, uint64_t seq);

  LoaderConfig config_;
  std::shared_ptr<MemoryBudget> budget_;  // its mutex guards everything below too
  std::deque<QueuedSlot> urgent_;
  std::deque<QueuedSlot> background_;
  // For request(): path hashes beside their slots, appended per file and scanned per request (a
  // hash map here was a tenth of the small-file cost); emptied when the queues are.
  std::vector<std::size_t> index_hashes_;
  std::vector<SlotCell*> index_slots_;
  // The loader's reference to every block the queues and the index point into; dropped when
  // they are emptied.
  std::vector<SlotBlock*> blocks_;
  void drop_blocks();
  bool paused_ = false;
  bool stopping_ = false;
  // A worker is learning the size of the background head: nobody admits files behind it.
  bool gate_ = false;
  std::atomic<uint64_t> sequence_{0};
  std::atomic<std::size_t> urgent_pending_{0};  // urgent_.size(), read between batch files
  std::vector<std::thread> threads_;
};

}  // namespace moonring
