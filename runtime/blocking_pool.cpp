// The blocking pool's threads and queue; a job that never returns is left behind at shutdown.
#include "runtime/blocking_pool.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>

#include "runtime/runtime.hpp"
#include "runtime/thread.hpp"

namespace moonring {

struct BlockingPool::State {
  mutable std::mutex mutex;
  std::condition_variable cv;
  struct Queued {
    JobId id;
    std::unique_ptr<BlockingJob> job;
  };
  std::deque<Queued> queue;
  std::vector<BlockingJob*> running;
  JobId next_id = 1;
  bool stopping = false;  // no job is taken any more, and none delivers

  static void worker(const std::shared_ptr<State>& self);
  // With the lock held.
  std::string describe_running() const {
    std::string text;
    for (const BlockingJob* job : running) {
      if (!text.empty()) text += ", ";
      text += job->describe();
    }
    return text;
  }
};

void BlockingPool::State::worker(const std::shared_ptr<State>& self) {
  State& s = *self;
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.cv.wait(lock, [&] { return s.stopping || !s.queue.empty(); });
    if (s.stopping) return;
    std::unique_ptr<BlockingJob> job = std::move(s.queue.front().job);
    s.queue.pop_front();
    s.running.push_back(job.get());
    lock.unlock();
    job->work();
    lock.lock();
    std::erase(s.running, job.get());
    if (s.stopping) {
      lock.unlock();
      job->abandoned();
      job.reset();
      return;
    }
    job->deliver();  // under the lock: the pool cannot shut down halfway through
    lock.unlock();
    job.reset();
    lock.lock();
  }
}

BlockingPool::BlockingPool(unsigned threads) : state_(std::make_shared<State>()) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i)
    threads_.push_back(start_thread([state = state_] { State::worker(state); }));
}

BlockingPool::~BlockingPool() {
  std::deque<State::Queued> dropped;
  std::string stuck;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    dropped.swap(state_->queue);
    stuck = state_->describe_running();
  }
  state_->cv.notify_all();
  dropped.clear();  // outside the lock: a job's destructor may take locks of its own
  if (!stuck.empty())
    std::fprintf(stderr, "moonring: shutdown: leaving behind blocking work still running: %s\n",
                 stuck.c_str());
  // A thread in a job that never returns is left to it; the others end at once.
  for (auto& t : threads_) t.detach();
}

BlockingPool::JobId BlockingPool::enqueue(std::unique_ptr<BlockingJob> job) {
  JobId id;
  {
    std::lock_guard lock(state_->mutex);
    id = state_->next_id++;
    state_->queue.push_back({id, std::move(job)});
  }
  state_->cv.notify_one();
  return id;
}

bool BlockingPool::cancel_queued(JobId id) {
  std::unique_ptr<BlockingJob> job;
  {
    std::lock_guard lock(state_->mutex);
    for (auto it = state_->queue.begin(); it != state_->queue.end(); ++it) {
      if (it->id != id) continue;
      job = std::move(it->job);
      state_->queue.erase(it);
      break;
    }
  }
  return job != nullptr;
}

std::string BlockingPool::describe_running() const {
  std::lock_guard lock(state_->mutex);
  return state_->describe_running();
}

BlockingPool& current_blocking_pool() {
  return Core::current()->runtime().blocking_pool();
}

}  // namespace moonring
