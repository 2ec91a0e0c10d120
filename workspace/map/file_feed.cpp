// FileFeed's hand-off between the threads that push and the cores that take (see file_feed.hpp).
#include "workspace/map/file_feed.hpp"

#include <algorithm>
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

bool FileFeed::TakeAwaiter::await_suspend(std::coroutine_handle<> h) {
  core_ = Core::current();
  handle_ = h;
  context_ = core_->context();
  const CancellationToken& token = core_->token();
  {
    std::lock_guard lock(feed_->mutex_);
    if (feed_->next_ < feed_->files_.size()) {
      index_ = feed_->next_++;
      return false;
    }
    if (feed_->closed_ || token.cancelled()) return false;  // index_ stays nullopt
    // Counted as work in flight, so the core keeps the frame alive until the hand-off resumes it.
    core_->external_started();
    feed_->parked_.push_back({&index_, core_, h, context_});
  }
  // A hand-off resumes us only through a message to this core, which runs after this.
  if (token.can_be_cancelled()) registration_.attach(token, &TakeAwaiter::cancel_requested, this);
  return true;
}

// On the waiting task's core. If a push or close has taken the task out already, its message
// to resume it is on its way (with a file, or the end).
void FileFeed::TakeAwaiter::cancel_requested(void* self) {
  auto* a = static_cast<TakeAwaiter*>(self);
  {
    std::lock_guard lock(a->feed_->mutex_);
    auto& parked = a->feed_->parked_;
    auto it = std::find_if(parked.begin(), parked.end(),
                           [&](const Parked& p) { return p.index == &a->index_; });
    if (it == parked.end()) return;
    parked.erase(it);
  }
  a->core_->external_finished();
  a->core_->schedule(a->handle_, a->context_);
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
