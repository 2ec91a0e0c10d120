#include "runtime/asio/pool_calls.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// See asio_backend.cpp: GCC's -Wnull-dereference fires inside Asio's inlined scheduler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#pragma GCC diagnostic pop

#include <cerrno>
#include <string>
#include <utility>

#include "runtime/asio/attempt.hpp"
#include "runtime/blocking_pool.hpp"

namespace moonring {

// The job and the backend share it. `args` is the operation's copy, its path copied too and its
// statx landing here first: so an open, a stat or a sync that the task stops waiting for can be
// abandoned while the job runs on into memory of its own.
struct PoolCall {
  IoOp args;
  std::string path;
  struct ::statx stat {};
  IoOp* op = nullptr;  // null once abandoned
  int32_t result = 0;
  BlockingPool::JobId id = 0;

  bool abandonable() const {
    return args.kind == OpKind::openat || args.kind == OpKind::statx || args.kind == OpKind::fsync;
  }
  // A result nobody will take: an opened descriptor is closed.
  void drop_result() const {
    if (args.kind == OpKind::openat && result >= 0) ::close(result);
  }
};

class PoolJob final : public BlockingJob {
 public:
  PoolJob(PoolCalls* calls, std::shared_ptr<PoolCall> call)
      : calls_(calls), call_(std::move(call)) {}
  void work() override { call_->result = asio_attempt::perform_blocking(call_->args); }
  // Under the pool's lock, so the backend is still there: once the pool has shut down, jobs
  // are abandoned() instead.
  void deliver() override {
    asio::post(calls_->core_, [calls = calls_, call = call_] { calls->done(*call); });
  }
  void abandoned() override { call_->drop_result(); }
  std::string describe() const override {
    const IoOp& a = call_->args;
    switch (a.kind) {
      case OpKind::openat:
        return "openat " + call_->path;
      case OpKind::statx:
        return "statx " + call_->path;
      case OpKind::fsync:
        return "fsync fd " + std::to_string(a.fd);
      default:
        return "file i/o on fd " + std::to_string(a.fd);
    }
  }

 private:
  PoolCalls* calls_;
  std::shared_ptr<PoolCall> call_;
};

PoolCalls::PoolCalls(asio::io_context& core, std::function<void(IoOp&, int32_t)> complete)
    : core_(core), complete_(std::move(complete)) {}

PoolCalls::~PoolCalls() = default;

void PoolCalls::start(IoOp& op) {
  auto call = std::make_shared<PoolCall>();
  call->args = op;
  if (op.kind == OpKind::openat || op.kind == OpKind::statx) {
    call->path = op.path;
    call->args.path = call->path.c_str();
  }
  if (op.kind == OpKind::statx) call->args.statx_buf = &call->stat;
  call->op = &op;
  auto job = std::make_unique<PoolJob>(this, call);
  auto [entry, added] = calls_.emplace(&op, call);
  try {
    call->id = current_blocking_pool().enqueue(std::move(job));
  } catch (...) {
    calls_.erase(entry);
    throw;
  }
}

// On the owning core, from the job's posted handler.
void PoolCalls::done(PoolCall& call) {
  if (call.op == nullptr) {  // abandoned: its task has moved on
    call.drop_result();
    return;
  }
  IoOp& op = *call.op;
  calls_.erase(&op);
  if (op.kind == OpKind::statx && call.result >= 0) *op.statx_buf = call.stat;
  complete_(op, call.result);
}

bool PoolCalls::cancel(IoOp& op) {
  auto it = calls_.find(&op);
  if (it == calls_.end()) return false;
  PoolCall& call = *it->second;
  if (current_blocking_pool().cancel_queued(call.id)) {
    // Never started (its job is gone).
  } else if (call.abandonable()) {
    call.op = nullptr;  // the job runs on; its result is dropped
  } else {
    return true;  // a read or write in progress ends on its own
  }
  calls_.erase(it);
  complete_(op, -ECANCELED);
  return true;
}

}  // namespace moonring
