// The Asio backend's calls that could block a core (open, sync, stat, regular-file reads and
// writes), made on the blocking pool instead, as io_uring makes them in its kernel workers. A
// call's result comes back to the core through its io_context and completes the operation there.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "runtime/backend.hpp"

namespace asio {
class io_context;
}

namespace moonring {

struct PoolCall;

class PoolCalls {
 public:
  // `core` is the owning core's io_context, where results are delivered; `complete` finishes an
  // operation with a result (the backend defers it to its next wait()).
  PoolCalls(asio::io_context& core, std::function<void(IoOp&, int32_t)> complete);
  ~PoolCalls();
  PoolCalls(const PoolCalls&) = delete;
  PoolCalls& operator=(const PoolCalls&) = delete;

  // Hands `op` to the current core's blocking pool; it completes through `complete`. May throw
  // std::bad_alloc, with nothing started. Call it on the owning core only.
  void start(IoOp& op);
  // False if `op` is not a pool call. Otherwise it is cancelled when it can be: still queued, or
  // an open, stat or sync whose job runs on into memory of its own; a read or write in progress
  // (it uses the caller's buffer: the rent rule) ends on its own.
  bool cancel(IoOp& op);

 private:
  friend class PoolJob;
  void done(PoolCall& call);

  asio::io_context& core_;
  std::function<void(IoOp&, int32_t)> complete_;
  std::unordered_map<IoOp*, std::shared_ptr<PoolCall>> calls_;
};

}  // namespace moonring
