// Cancellation: a source that cancels, tokens that observe, registrations that react.
// A source and its tokens belong to one core; another core cancels by sending that core a message.
#pragma once

#include <cassert>
#include <cstdint>
#include <utility>

#include "runtime/affinity.hpp"

namespace moonring {

class CancellationToken;

// A callback run once when the token it is registered on is cancelled. Unlinks itself on
// destruction, so an operation that completes first simply stops listening.
class CancelRegistration {
 public:
  using Callback = void (*)(void* arg);

  CancelRegistration() = default;
  CancelRegistration(const CancellationToken& token, Callback cb, void* arg);
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;
  ~CancelRegistration() { reset(); }

  // Listen on `token` (after dropping any earlier registration).
  void attach(const CancellationToken& token, Callback cb, void* arg);
  void reset();

 private:
  friend struct CancelState;
  struct CancelState* state_ = nullptr;
  CancelRegistration* prev_ = nullptr;
  CancelRegistration* next_ = nullptr;
  Callback cb_ = nullptr;
  void* arg_ = nullptr;
};

// Shared by a source and its tokens; reference-counted without atomics (one core owns it, which
// debug builds check).
struct CancelState {
  uint32_t refs = 1;
  bool cancelled = false;
  CancelRegistration* head = nullptr;
  // A child source follows its parent: the link is a registration on the parent's token.
  CancelRegistration parent_link;
  [[no_unique_address]] CoreAffinity affinity;

  void add_ref() {
    MOONRING_ASSERT_AFFINE(affinity);
    ++refs;
  }
  void release() {
    MOONRING_ASSERT_AFFINE(affinity);
    if (--refs == 0) delete this;
  }
  // A linked registration holds a reference, so a parent outlived by its child stays valid.
  void link(CancelRegistration* r) {
    add_ref();
    r->state_ = this;
    r->prev_ = nullptr;
    r->next_ = head;
    if (head) head->prev_ = r;
    head = r;
  }
  void unlink(CancelRegistration* r) {
    if (r->prev_)
      r->prev_->next_ = r->next_;
    else
      head = r->next_;
    if (r->next_) r->next_->prev_ = r->prev_;
    r->state_ = nullptr;
    r->prev_ = r->next_ = nullptr;
    release();  // last: may delete this
  }
  void cancel() {
    MOONRING_ASSERT_AFFINE(affinity);
    if (cancelled) return;
    cancelled = true;
    add_ref();  // a callback may drop the last outside reference
    while (head) {
      CancelRegistration* r = head;
      unlink(r);
      r->cb_(r->arg_);
    }
    release();
  }
};

// Observes a source. A default token is never cancelled.
class CancellationToken {
 public:
  CancellationToken() = default;
  explicit CancellationToken(CancelState* s) : state_(s) {
    if (state_) state_->add_ref();
  }
  CancellationToken(const CancellationToken& o) : CancellationToken(o.state_) {}
  CancellationToken(CancellationToken&& o) noexcept : state_(std::exchange(o.state_, nullptr)) {}
  CancellationToken& operator=(CancellationToken o) noexcept {
    std::swap(state_, o.state_);
    return *this;
  }
  ~CancellationToken() {
    if (state_) state_->release();
  }

  bool cancelled() const { return state_ && state_->cancelled; }
  bool can_be_cancelled() const { return state_ != nullptr; }
  CancelState* state() const { return state_; }

 private:
  CancelState* state_ = nullptr;
};

// Cancels its tokens; optionally follows a parent token (cancelled when the parent is).
class CancellationSource {
 public:
  CancellationSource() : state_(new CancelState) {}
  explicit CancellationSource(const CancellationToken& parent) : CancellationSource() {
    if (parent.cancelled()) {
      state_->cancelled = true;
    } else if (parent.can_be_cancelled()) {
      state_->parent_link.attach(
          parent, [](void* s) { static_cast<CancelState*>(s)->cancel(); }, state_);
    }
  }
  CancellationSource(const CancellationSource&) = delete;
  CancellationSource& operator=(const CancellationSource&) = delete;
  ~CancellationSource() {
    state_->parent_link.reset();
    state_->release();
  }

  void cancel() { state_->cancel(); }
  bool cancelled() const { return state_->cancelled; }
  CancellationToken token() const { return CancellationToken(state_); }

 private:
  CancelState* state_;
};

inline CancelRegistration::CancelRegistration(const CancellationToken& token, Callback cb,
                                              void* arg) {
  attach(token, cb, arg);
}

inline void CancelRegistration::attach(const CancellationToken& token, Callback cb, void* arg) {
  reset();
  cb_ = cb;
  arg_ = arg;
  if (CancelState* s = token.state()) {
    assert(!s->cancelled && "check cancelled() before registering");
    s->link(this);
  }
}

inline void CancelRegistration::reset() {
  if (state_) state_->unlink(this);
}

}  // namespace moonring
