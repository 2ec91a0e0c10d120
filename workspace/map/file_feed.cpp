// FileFeed's hand-off between the threads that push and the cores that take (see file_feed.hpp).
#include "workspace/map/file_feed.hpp"

#include <cassert>

#include "runtime/core.hpp"

namespace moonring {

void FileFeed::push(AsyncFile file, std::uint8_t tag) {
  std::vector<AsyncFile> one;
  one.push_back(std::move(file));
  push(one, tag);
}

void FileFeed::push(std::vector<AsyncFile>& files, std::uint8_t tag) {
  std::vector<Parked> woken;
  {
    std::lock_guard lock(mutex_);
    assert(!closed_);
    for (AsyncFile& file : files) files_.push_back({std::move(file), tag});
    // The oldest waiters take the new files directly.
    while (!parked_.empty() && next_ < files_.size()) {
      woken.push_back(parked_.front());
      parked_.erase(parked_.begin());
      *woken.back().index = next_++;
    }
  }
  files.clear();
  for (const Parked& parked : woken) resume(parked);
}

void FileFeed::close() {
  std::vector<Parked> woken;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    woken.swap(parked_);  // nothing is left to take, or nobody would be parked
  }
  for (const Parked& parked : woken) resume(parked);
}

bool FileFeed::take_or_park(std::optional<std::size_t>& index, std::coroutine_handle<> h) {
  std::lock_guard lock(mutex_);
  if (next_ < files_.size()) {
    index = next_++;
    return false;
  }
  if (closed_) return false;  // index stays nullopt
  Core* core = Core::current();
  // Counted as work in flight, so the core keeps the frame alive until the hand-off resumes it.
  core->external_started();
  parked_.push_back({&index, core, h, core->context()});
  return true;
}

void FileFeed::resume(const Parked& parked) {
  Core* core = parked.core;
  core->post(Message([core, h = parked.handle, ctx = parked.context] {
    core->external_finished();
    core->schedule(h, ctx);
  }));
}

AsyncFile& FileFeed::at(std::size_t index) {
  std::lock_guard lock(mutex_);
  return files_[index].file;
}

std::uint8_t FileFeed::tag(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return files_[index].tag;
}

std::size_t FileFeed::size() const {
  std::lock_guard lock(mutex_);
  return files_.size();
}

}  // namespace moonring
