// The loader's workers: per-file strategy (read small files, map + prefault large ones), urgent
// queue first, memory budget with a reserve for urgent files. See docs/workspace.md.
#include "workspace/map/loader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <string_view>

#include "runtime/cpus.hpp"
#include "runtime/thread.hpp"
#include "workspace/map/mapped_region.hpp"
#include "workspace/map/parent_dirs.hpp"

namespace moonring {
namespace {

unsigned default_threads() {
  return static_cast<unsigned>(allowed_cpus().size());
}

}  // namespace

Loader::Loader(LoaderConfig config) : config_(config) {
  if (config_.threads == 0) config_.threads = default_threads();
  if (config_.batch == 0) config_.batch = 1;
  if (config_.urgent_reserve == 0) config_.urgent_reserve = config_.memory_limit / 8;
  config_.urgent_reserve = std::min(config_.urgent_reserve, config_.memory_limit);
  budget_ = std::make_shared<MemoryBudget>(config_.memory_limit, config_.run_ahead);
  paused_ = config_.start_paused;
  threads_.reserve(config_.threads);
  // SIGINT and SIGTERM stay blocked in the workers: the loader starts before the runtime blocks
  // them, and they belong to the runtime's signalfd.
  for (unsigned i = 0; i < config_.threads; ++i)
    threads_.push_back(start_thread([this] { worker(); }));
}

Loader::~Loader() {
  {
    std::lock_guard lock(budget_->mutex);
    stopping_ = true;
  }
  budget_->cv.notify_all();
  for (auto& t : threads_) t.join();
  // Whatever no worker took fails, so that nobody waits for it forever.
  std::vector<SlotPtr> left;
  for (auto* q : urgent_)
    if (auto s = SlotRef::try_lock(q)) left.push_back(std::move(s));
  for (auto* q : background_)
    if (auto s = SlotRef::try_lock(q)) left.push_back(std::move(s));
  for (auto& s : left) {
    if (!s->claim()) continue;
    s->complete(runtime_error(RuntimeErrc::cancelled, "load " + s->path), sequence_++);
  }
  left.clear();
  urgent_.clear();
  background_.clear();
  drop_blocks();
}

void Loader::drop_blocks() {
  index_hashes_.clear();
  index_slots_.clear();
  for (SlotBlock* b : blocks_) b->drop();
  blocks_.clear();
}

AsyncFile Loader::load(std::string path, std::size_t size, Priority priority) {
  std::vector<LoadRequest> one;
  one.push_back({std::move(path), size, priority});
  return std::move(load_many(std::move(one)).front());
}

std::vector<AsyncFile> Loader::load_many(std::vector<LoadRequest> requests) {
  std::vector<AsyncFile> handles;
  handles.reserve(requests.size());
  // In chunks, so that the workers start on the first files while the rest are queued.
  constexpr std::size_t kChunk = 2048;
  for (std::size_t begin = 0; begin < requests.size(); begin += kChunk) {
    std::size_t end = std::min(requests.size(), begin + kChunk);
    // One allocation per 128 slots (33 KB: malloc reuses them; blocks of a whole chunk were
    // mmapped and trimmed back, 3,000 page faults per bench/load pass); the loader keeps the
    // blocks while they are queued.
    constexpr std::size_t kBlockSlots = 128;
    std::vector<SlotBlock*> blocks;
    std::vector<SlotCell*> slots;
    std::vector<std::size_t> hashes;
    slots.reserve(end - begin);
    hashes.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      if ((i - begin) % kBlockSlots == 0)
        blocks.push_back(SlotBlock::make(std::min(kBlockSlots, end - i), budget_));
      hashes.push_back(std::hash<std::string_view>{}(requests[i].path));
      slots.push_back(blocks.back()->add(std::move(requests[i].path), requests[i].size));
    }
    {
      std::lock_guard lock(budget_->mutex);
      blocks_.insert(blocks_.end(), blocks.begin(), blocks.end());
      for (std::size_t i = begin; i < end; ++i) {
        SlotCell* slot = slots[i - begin];
        index_hashes_.push_back(hashes[i - begin]);
        index_slots_.push_back(slot);
        if (requests[i].priority == Priority::urgent) {
          urgent_.push_back(slot);
          urgent_pending_.store(urgent_.size(), std::memory_order_relaxed);
        } else {
          background_.push_back(slot);
        }
      }
    }
    budget_->cv.notify_all();
    for (SlotCell* slot : slots) handles.emplace_back(SlotRef::adopt(slot));
  }
  return handles;
}

AsyncFile Loader::request(const std::string& path) {
  SlotPtr slot;
  {
    std::lock_guard lock(budget_->mutex);
    std::size_t hash = std::hash<std::string_view>{}(path);
    for (std::size_t i = index_hashes_.size(); i-- > 0 && !slot;) {
      if (index_hashes_[i] != hash) continue;
      auto candidate = SlotRef::try_lock(index_slots_[i]);
      if (candidate && candidate->path == path) slot = std::move(candidate);
    }
    if (!slot) {
      SlotBlock* block = SlotBlock::make(1, budget_);
      blocks_.push_back(block);
      slot = SlotRef::adopt(block->add(path, kUnknownSize));
      index_hashes_.push_back(hash);
      index_slots_.push_back(slot.cell());
    }
    // Also left in the background queue, if it is there: whichever worker claims it first wins.
    if (!slot->claimed.load(std::memory_order_acquire)) {
      urgent_.push_front(slot.cell());
      urgent_pending_.store(urgent_.size(), std::memory_order_relaxed);
    }
  }
  budget_->cv.notify_all();
  return AsyncFile(std::move(slot));
}

void Loader::pause() {
  std::lock_guard lock(budget_->mutex);
  paused_ = true;
}

void Loader::resume() {
  {
    std::lock_guard lock(budget_->mutex);
    paused_ = false;
  }
  budget_->cv.notify_all();
}

std::size_t Loader::bytes_in_use() const {
  std::lock_guard lock(budget_->mutex);
  return budget_->used;
}

std::size_t Loader::peak_bytes() const {
  std::lock_guard lock(budget_->mutex);
  return budget_->peak;
}

bool Loader::pop_urgent(SlotPtr& out) {
  while (!urgent_.empty()) {
    out = SlotRef::try_lock(urgent_.front());
    urgent_.pop_front();
    urgent_pending_.store(urgent_.size(), std::memory_order_relaxed);
    if (out && !out->claimed.load(std::memory_order_acquire)) return true;
  }
  out.reset();
  return false;
}

bool Loader::fits(std::size_t bytes, bool urgent, std::size_t pending) const {
  const MemoryBudget& b = *budget_;
  std::size_t limit = urgent ? b.limit : b.limit - config_.urgent_reserve;
  // A file larger than the whole limit is admitted alone rather than never.
  std::size_t used = b.used.load() + pending;
  return used + bytes <= limit || used == 0;
}

void Loader::worker() {
  Lock lock(budget_->mutex);
  std::vector<Job> jobs;
  std::vector<std::pair<SlotPtr, Result<FileContent>>> done;
  // This worker's own batches (its own ring, if io_uring is there and allowed).
  SmallLoads small;
  small.reader = BatchReader::create();
  for (;;) {
    if (urgent_.empty() && background_.empty() && !blocks_.empty()) drop_blocks();
    budget_->cv.wait(lock, [&] {
      return stopping_ || (!paused_ && (!urgent_.empty() || (!background_.empty() && !gate_)));
    });
    if (stopping_) return;
    SlotPtr slot;
    if (pop_urgent(slot)) {
      serve_urgent(std::move(slot), lock);
      continue;
    }
    take_background(jobs, lock);
    if (jobs.empty()) continue;
    lock.unlock();
    // The batch is published at its end (see publish()). Urgent files are still served between
    // the files of a batch.
    done.clear();
    for (std::size_t i = 0; i < jobs.size();) {
      if (urgent_pending_.load(std::memory_order_relaxed) != 0) {
        lock.lock();
        while (pop_urgent(slot)) serve_urgent(std::move(slot), lock);
        lock.unlock();
      }
      // Consecutive small files of known size go together: one io_uring submission (or one
      // directory descriptor) serves them all.
      std::size_t end = i;
      while (end < jobs.size() && end - i < BatchReader::kMaxFiles && small_batchable(jobs[end]))
        ++end;
      if (end > i) {
        load_small(std::span<Job>(jobs).subspan(i, end - i), small, done);
        i = end;
        continue;
      }
      SlotPtr s = jobs[i].slot;
      done.emplace_back(std::move(s), load(std::move(jobs[i])));
      ++i;
    }
    jobs.clear();
    publish(done);
    lock.lock();
  }
}

void Loader::take_background(std::vector<Job>& jobs, Lock& lock) {
  // The batch's files share one lease group and are admitted together when this returns (the
  // lock is held from the batch's first file to here, so no other admission sees the gap).
  struct Batch {
    MemoryBudget& budget;
    LeaseGroup* group = nullptr;  // this function holds one count while it adds leases
    std::size_t bytes = 0;
    ~Batch() {
      if (bytes != 0) budget.admit(bytes);
      if (group) LeaseGroup::drop(group);
    }
  } batch{*budget_};
  std::size_t& batch_bytes = batch.bytes;
  while (!background_.empty() && jobs.size() < config_.batch && batch_bytes < config_.batch_bytes &&
         !gate_ && !stopping_ && !paused_) {
    // Urgent files go first, also between the files of a batch.
    if (!urgent_.empty() && jobs.empty()) return;
    SlotPtr slot = SlotRef::try_lock(background_.front());
    if (!slot || slot->claimed.load(std::memory_order_acquire)) {
      background_.pop_front();
      continue;
    }
    std::size_t size = slot->size_hint;
    int fd = -1;
    if (size == kUnknownSize) {
      if (!jobs.empty()) return;  // load what is admitted first
      background_.pop_front();
      gate_ = true;
      bool opened = open_for_size(slot, size, fd, lock);
      while (opened && !fits(size, false) && !stopping_) {
        SlotPtr u;
        if (pop_urgent(u))
          serve_urgent(std::move(u), lock);
        else
          budget_->wait_for_memory(lock, [&] { return fits(size, false) || stopping_; });
      }
      gate_ = false;
      budget_->cv.notify_all();
      if (!opened) continue;
      if (stopping_) {
        ::close(fd);
        lock.unlock();
        auto path = slot->path;
        finish(std::move(slot), runtime_error(RuntimeErrc::cancelled, "load " + path));
        lock.lock();
        return;
      }
      budget_->admit(size);
      jobs.push_back({std::move(slot), MemoryLease(budget_, size), fd});
      return;
    }
    if (!fits(size, false, batch_bytes)) {
      if (!jobs.empty()) return;
      // The head waits for memory; urgent files are served meanwhile.
      SlotPtr u;
      if (pop_urgent(u))
        serve_urgent(std::move(u), lock);
      else
        budget_->wait_for_memory(lock, [&] { return fits(size, false) || stopping_; });
      continue;  // look at the head again: another worker may have taken it
    }
    if (size < config_.map_threshold && !budget_->within_run_ahead(size, batch_bytes)) {
      if (!jobs.empty()) return;
      SlotPtr u;
      if (pop_urgent(u))
        serve_urgent(std::move(u), lock);
      else
        budget_->wait_for_window(lock, size,
                                 [&] { return stopping_ || paused_ || !urgent_.empty(); });
      continue;
    }
    background_.pop_front();
    slot->claim();
    slot->state.store(FileState::loading, std::memory_order_release);
    batch_bytes += size;
    if (!batch.group) batch.group = new LeaseGroup(budget_, 1);
    jobs.push_back({std::move(slot), MemoryLease(batch.group, size), -1});
  }
}

bool Loader::open_for_size(const SlotPtr& slot, std::size_t& size, int& fd, Lock& lock) {
  slot->claim();
  slot->state.store(FileState::loading, std::memory_order_release);
  lock.unlock();
  auto opened = open_regular(slot->path);
  if (!opened) {
    finish(slot, opened.take_error());
    lock.lock();
    return false;
  }
  fd = opened->fd;
  size = opened->size;
  lock.lock();
  return true;
}

void Loader::serve_urgent(SlotPtr slot, Lock& lock) {
  if (!slot->claim()) return;
  std::size_t size = slot->size_hint;
  int fd = -1;
  if (size == kUnknownSize && !open_for_size(slot, size, fd, lock)) return;
  slot->state.store(FileState::loading, std::memory_order_release);
  while (!fits(size, true) && !stopping_)
    budget_->wait_for_memory(lock, [&] { return fits(size, true) || stopping_; });
  if (stopping_) {
    lock.unlock();
    if (fd >= 0) ::close(fd);
    auto path = slot->path;
    finish(std::move(slot), runtime_error(RuntimeErrc::cancelled, "load " + path));
    lock.lock();
    return;
  }
  budget_->admit(size);
  Job job{slot, MemoryLease(budget_, size), fd};
  lock.unlock();
  finish(std::move(slot), load(std::move(job)));
  lock.lock();
}

void Loader::publish(std::vector<std::pair<SlotPtr, Result<FileContent>>>& done) {
  // Last file first: a consumer taking files in queue order sleeps on the batch's first file, and
  // when that one is there the rest are too, so it wakes once per batch rather than per file and
  // does not trail the workers file by file (bench/load: they ran ~13 MB ahead, now ~8 MB).
  // The batch's sequence numbers are taken at once: one atomic shared by the workers per batch.
  uint64_t seq = sequence_.fetch_add(done.size(), std::memory_order_relaxed);
  for (std::size_t k = done.size(); k-- > 0;)
    finish(std::move(done[k].first), std::move(done[k].second), seq++);
  done.clear();
}

void Loader::finish(SlotPtr slot, Result<FileContent> result) {
  finish(std::move(slot), std::move(result), sequence_.fetch_add(1, std::memory_order_relaxed));
}

void Loader::finish(SlotPtr slot, Result<FileContent> result, uint64_t seq) {
  slot->complete(std::move(result), seq);
  slot.reset();  // outside the lock: this may free the content
}

Result<FileContent> Loader::load(Job job) {
  FileSlot& slot = *job.slot;
  std::size_t size = job.lease.bytes();
  int fd = job.fd;
  if (fd < 0) {
    fd = ::open(slot.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error(errno, "open " + slot.path);
  }
  if (size >= config_.map_threshold) {
    // Mapped without MAP_POPULATE and prefaulted by touch: see MappedRegion::touch_prefault (on
    // the large tree 2.6 ms against 5.3 ms for one thread with MAP_POPULATE, which also made the
    // workers wait for each other on the mmap lock).
    auto region = MappedRegion::map_fd(fd, size, MapMode::read_only, slot.path);
    ::close(fd);
    if (!region) return region.take_error();
    region->touch_prefault();
    return FileContent(std::move(*region), std::move(job.lease));
  }
  auto owned = read_fd(fd, size, slot.path);
  ::close(fd);
  if (!owned) return owned.take_error();
  return owned_content(std::move(job), std::move(*owned));
}

Result<FileContent> Loader::owned_content(Job job, OwnedBytes owned) {
  std::size_t size = job.lease.bytes();
  if (owned.size > size) {
    // The file grew since discovery: account for what is really held (this may overshoot the
    // limit by the growth; the next admissions wait for it).
    // The new lease is admitted whole before the old one gives its `size` back (admitting only
    // the growth gave `size` back twice).
    std::size_t real = owned.size;
    {
      std::lock_guard lock(budget_->mutex);
      budget_->admit(real);
    }
    job.lease = MemoryLease(budget_, real);
  }
  return FileContent(std::move(owned), std::move(job.lease));
}

bool Loader::small_batchable(const Job& job) const {
  return job.fd < 0 && job.lease.bytes() < config_.map_threshold &&
         job.lease.bytes() < BatchReader::kMaxFileSize;
}

void Loader::load_small(std::span<Job> jobs, SmallLoads& small,
                        std::vector<std::pair<SlotPtr, Result<FileContent>>>& done) {
  small.paths.clear();
  small.files.clear();
  small.files.resize(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    small.paths.push_back(&jobs[i].slot->path);
    small.files[i].expected = jobs[i].lease.bytes();
  }
  small.dirs.resolve(small.paths, small.files);
  small.reader->read(small.files);
  small.dirs.close_all();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (small.files[i].done) {
      SlotPtr s = std::move(jobs[i].slot);  // owned_content() needs only the lease
      done.emplace_back(std::move(s),
                        owned_content(std::move(jobs[i]), std::move(small.files[i].bytes)));
    } else {  // an error or a changed size: the plain path reports or follows it
      SlotPtr s = jobs[i].slot;
      done.emplace_back(std::move(s), load(std::move(jobs[i])));
    }
  }
}

}  // namespace moonring
