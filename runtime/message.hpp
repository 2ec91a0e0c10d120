// Messages between cores: a move-only closure and the single-producer single-consumer queue
// that carries them from one core to another.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace moonring {

// A move-only `void()` callable (std::function needs copyable targets).
class Message {
 public:
  Message() = default;
  template <typename F>
  explicit Message(F&& fn) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(fn))) {}
  explicit operator bool() const { return bool(impl_); }
  void operator()() { impl_->call(); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void call() = 0;
  };
  template <typename F>
  struct Impl final : Base {
    explicit Impl(F&& f) : fn(std::move(f)) {}
    explicit Impl(const F& f) : fn(f) {}
    void call() override { fn(); }
    F fn;
  };
  std::unique_ptr<Base> impl_;
};

// Bounded lock-free ring from one producer core to one consumer core. When it is full the
// producer keeps the surplus in a private overflow list and retries on its next loop turn, so a
// sender never blocks (two cores blocking on each other's full queues would deadlock).
class SpscQueue {
 public:
  static constexpr std::size_t kCapacity = 1024;  // power of two

  // Producer side.
  void push(Message m) {
    if (!overflow_.empty() || !try_push(m)) overflow_.push_back(std::move(m));
  }
  // Producer side: move what overflowed into the ring. True when nothing is left over.
  bool flush_overflow() {
    std::size_t moved = 0;
    while (moved < overflow_.size() && try_push(overflow_[moved])) ++moved;
    overflow_.erase(overflow_.begin(), overflow_.begin() + static_cast<std::ptrdiff_t>(moved));
    return overflow_.empty();
  }
  bool has_overflow() const { return !overflow_.empty(); }

  // Consumer side: run every message available now; returns how many ran.
  template <typename Fn>
  std::size_t drain(Fn&& run) {
    std::size_t head = head_.load(std::memory_order_relaxed);
    std::size_t tail = tail_.load(std::memory_order_acquire);
    std::size_t n = tail - head;
    for (; head != tail; ++head) {
      Message m = std::move(slots_[head & (kCapacity - 1)]);
      head_.store(head + 1, std::memory_order_release);
      run(m);
    }
    return n;
  }
  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

 private:
  bool try_push(Message& m) {
    std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == kCapacity) return false;
    slots_[tail & (kCapacity - 1)] = std::move(m);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
  alignas(64) std::vector<Message> overflow_;
  std::unique_ptr<Message[]> slots_ = std::make_unique<Message[]>(kCapacity);
};

// From threads that are not cores (the blocking pool, signal handling, block_on's caller).
// Not a hot path, so a mutex is fine here.
class ForeignInbox {
 public:
  // False, and `m` is dropped, once the inbox is closed (its core has left its loop).
  bool push(Message m) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    pending_.push_back(std::move(m));
    has_.store(true, std::memory_order_release);
    return true;
  }
  // Refuses every later message; returns those that were never taken.
  std::vector<Message> close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    has_.store(false, std::memory_order_relaxed);
    return std::exchange(pending_, {});
  }
  bool maybe_nonempty() const { return has_.load(std::memory_order_acquire); }
  std::vector<Message> take() {
    std::lock_guard lock(mutex_);
    has_.store(false, std::memory_order_relaxed);
    return std::exchange(pending_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<Message> pending_;
  std::atomic<bool> has_{false};
  bool closed_ = false;
};

}  // namespace moonring
