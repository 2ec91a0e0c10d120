// Debug builds check that core-affine objects (cancellation states, buffer leases, multishot
// receivers) are touched only by the thread of the core that made them; release builds carry
// nothing and check nothing.
#pragma once

#include <cassert>

namespace moonring {

class Core;

namespace detail {
// Core::current() and "this core has left its loop", without including core.hpp.
Core* affinity_current_core() noexcept;
bool affinity_core_ended(const Core* core) noexcept;
}  // namespace detail

class CoreAffinity {
 public:
#ifndef NDEBUG
  CoreAffinity() noexcept : owner_(detail::affinity_current_core()) {}
  // Where the object may be touched: on its core; anywhere when it was made outside every core;
  // anywhere once its core has left its loop (the runtime's teardown frees what is left).
  bool here() const noexcept {
    return allowed(owner_);
  }
  static bool allowed(const Core* owner) noexcept {
    return !owner || owner == detail::affinity_current_core() || detail::affinity_core_ended(owner);
  }

 private:
  Core* owner_;
#else
  bool here() const noexcept {
    return true;
  }
  static bool allowed(const Core*) noexcept {
    return true;
  }
#endif
};

}  // namespace moonring

// Asserts (debug builds only) that an object with a CoreAffinity, or one that knows its Core*,
// is touched on its core.
#define MOONRING_ASSERT_AFFINE(affinity) \
  assert((affinity).here() && "a core-affine object was touched off its core")
#define MOONRING_ASSERT_ON_CORE(core)                \
  assert(::moonring::CoreAffinity::allowed(core) &&  \
         "a core-affine object was touched off its " \
         "core")
