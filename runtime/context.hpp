// What a running task carries with it: its ambient cancellation token and its task-local values.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "runtime/cancel.hpp"

namespace moonring {

// One per root task (a spawned task); children of when_all/when_any get their own, whose parent
// is the spawner's, so task-local values are inherited.
struct TaskContext {
  CancellationToken token;
  TaskContext* parent = nullptr;
  std::vector<std::pair<const void*, std::shared_ptr<void>>> locals;

  void* find_local(const void* key) const {
    for (const TaskContext* c = this; c; c = c->parent)
      for (auto& [k, v] : c->locals)
        if (k == key) return v.get();
    return nullptr;
  }
  void set_local(const void* key, std::shared_ptr<void> value) {
    for (auto& [k, v] : locals)
      if (k == key) {
        v = std::move(value);
        return;
      }
    locals.emplace_back(key, std::move(value));
  }
};

}  // namespace moonring
