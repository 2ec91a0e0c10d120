// FileBatch through a ring of the calling thread's own: direct descriptors in registered slots,
// everything queued submitted in one io_uring_submit_and_wait. See docs/workspace.md (the
// loader's "Per-file strategy") for the measurements behind the choices here.
#include "runtime/uring/file_batch_ring.hpp"

#include <fcntl.h>
#include <liburing.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace moonring {

struct FileBatch::Ring::Impl {
  io_uring ring{};
  bool live = false;       // set up: exit it at the end
  std::size_t queued = 0;  // submitted or not, not yet completed
  ~Impl() {
    if (live) io_uring_queue_exit(&ring);
  }

  io_uring_sqe* sqe(uint64_t tag) {
    io_uring_sqe* e = io_uring_get_sqe(&ring);
    if (e == nullptr) {  // the queue is full: hand what is there to the kernel first
      io_uring_submit(&ring);
      e = io_uring_get_sqe(&ring);
      if (e == nullptr) {
        std::fprintf(stderr, "moonring: file batch: no submission entry\n");
        std::abort();
      }
    }
    io_uring_sqe_set_data64(e, tag);
    ++queued;
    return e;
  }
};

std::unique_ptr<FileBatch::Ring> FileBatch::Ring::create(unsigned slots, unsigned entries) {
  auto impl = std::make_unique<Impl>();
  io_uring_params params{};
  // Only this thread uses the ring. Not IORING_SETUP_DEFER_TASKRUN: linked requests then ran as
  // deferred task work, and the loader spent 3-5% more CPU on the small tree than without it.
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SUBMIT_ALL;
  int r = io_uring_queue_init_params(entries, &impl->ring, &params);
  if (r < 0) {
    params = {};
    params.flags = IORING_SETUP_SUBMIT_ALL;
    r = io_uring_queue_init_params(entries, &impl->ring, &params);
  }
  if (r < 0) return nullptr;
  impl->live = true;
  auto ring = std::unique_ptr<Ring>(new Ring(std::move(impl)));
  if (io_uring_register_files_sparse(&ring->impl_->ring, slots) < 0) return nullptr;
  return ring;
}

FileBatch::Ring::Ring(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FileBatch::Ring::~Ring() = default;

void FileBatch::Ring::open(unsigned slot, int dir_fd, const char* name, uint64_t tag) {
  // No O_CLOEXEC: direct descriptors are not in the process's table (the kernel refuses it).
  io_uring_prep_openat_direct(impl_->sqe(tag), dir_fd, name, O_RDONLY, 0, slot);
}

void FileBatch::Ring::read(unsigned slot, void* buf, uint32_t len, uint64_t tag) {
  io_uring_sqe* e = impl_->sqe(tag);
  io_uring_prep_read(e, static_cast<int>(slot), buf, len, 0);
  e->flags |= IOSQE_FIXED_FILE;
}

void FileBatch::Ring::close(unsigned slot, uint64_t tag) {
  io_uring_prep_close_direct(impl_->sqe(tag), slot);
}

void FileBatch::Ring::wait_all(std::vector<Completion>& out) {
  io_uring* ring = &impl_->ring;
  while (impl_->queued > 0) {
    // Submits what is still queued (all of it, the first time) and waits for the rest; with a
    // warm page cache the requests complete inside this one call.
    int r = io_uring_submit_and_wait(ring, static_cast<unsigned>(impl_->queued));
    if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY && r != -ETIME) {
      // The requests may still write into the callers' buffers: nothing safe is left to do.
      std::fprintf(stderr, "moonring: file batch io_uring wait: %s\n", std::strerror(-r));
      std::abort();
    }
    unsigned head = 0;
    unsigned count = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring, head, cqe) {
      ++count;
      out.push_back({io_uring_cqe_get_data64(cqe), cqe->res});
    }
    io_uring_cq_advance(ring, count);
    impl_->queued -= count;
  }
}

}  // namespace moonring
