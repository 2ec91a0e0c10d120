// Task-local storage: a value per root task (and its when_all/when_any children), like a
// thread_local for tasks.
#pragma once

#include <memory>
#include <utility>

#include "runtime/core.hpp"

namespace moonring {

// Declare once (usually static); each task sees its own value.
template <typename T>
class TaskLocal {
 public:
  // The value of the running task, or nullptr when it has none.
  T* get() const { return static_cast<T*>(Core::current()->context()->find_local(this)); }
  void set(T value) {
    Core::current()->context()->set_local(this, std::make_shared<T>(std::move(value)));
  }
};

}  // namespace moonring
