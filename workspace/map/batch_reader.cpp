// The loader's batched small-file reads through io_uring, in two submissions per batch (every
// file's openat into a direct descriptor; then every file's read of size+1 bytes and close);
// and the plain fallback. See docs/workspace.md ("Per-file strategy").
#include "workspace/map/batch_reader.hpp"

#include <liburing.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace moonring {

struct BatchReader::Ring {
  io_uring ring{};
  bool live = false;  // set up: exit it at the end
  ~Ring() {
    if (live) io_uring_queue_exit(&ring);
  }
};

namespace {

constexpr unsigned kEntries = 128;  // a read and a close per file, kMaxFiles files
static_assert(2 * BatchReader::kMaxFiles <= kEntries);

bool uring_disabled_by_env() {
  const char* env = std::getenv("MOONRING_BACKEND");
  return env != nullptr && std::string_view(env) == "asio";
}

}  // namespace

std::unique_ptr<BatchReader> BatchReader::create() {
  if (uring_disabled_by_env()) return nullptr;
  auto ring = std::make_unique<Ring>();
  io_uring_params params{};
  // Only this thread uses the ring. Not IORING_SETUP_DEFER_TASKRUN: the linked requests then ran
  // as deferred task work, and the loader spent 3-5% more CPU on the small tree than without it.
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SUBMIT_ALL;
  int r = io_uring_queue_init_params(kEntries, &ring->ring, &params);
  if (r < 0) {
    params = {};
    params.flags = IORING_SETUP_SUBMIT_ALL;
    r = io_uring_queue_init_params(kEntries, &ring->ring, &params);
  }
  if (r < 0) return nullptr;
  ring->live = true;
  if (io_uring_register_files_sparse(&ring->ring, kMaxFiles) < 0) return nullptr;
  return std::unique_ptr<BatchReader>(new BatchReader(std::move(ring)));
}

BatchReader::BatchReader(std::unique_ptr<Ring> ring) : ring_(std::move(ring)) {}

BatchReader::~BatchReader() = default;

void BatchReader::read(std::span<SmallFile> files) {
  std::size_t n = std::min(files.size(), kMaxFiles);
  for (std::size_t i = n; i < files.size(); ++i) files[i].done = false;  // past one batch
  // Two submissions rather than a linked chain per file: a linked request runs as task work once
  // the one before it completes, and that cost about 3% more CPU on bench/load's small tree
  // than a second io_uring_enter per batch (and reading each file right after its open, unlinked
  // in one submission, was no better). First the opens, each into its own direct slot.
  std::size_t opens = 0;
  for (std::size_t i = 0; i < n; ++i) {
    SmallFile& f = files[i];
    f.done = false;
    f.opened = false;
    if (f.expected >= kMaxFileSize) continue;  // one read's length is 32 bits: not here
    // No O_CLOEXEC: direct descriptors are not in the process's table (the kernel refuses it).
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
    io_uring_prep_openat_direct(sqe, f.dir_fd, f.name, O_RDONLY, 0, static_cast<unsigned>(i));
    io_uring_sqe_set_data64(sqe, i);
    ++opens;
  }
  complete_all(opens, [&](uint64_t i, int res) { files[i].opened = res >= 0; });
  // Then a read of size+1 bytes and a close per opened file: a short read proves the end of the
  // file in one request. The close may run before a read that had to wait for the disk; the
  // read holds its own reference to the file.
  std::size_t requests = 0;
  for (std::size_t i = 0; i < n; ++i) {
    SmallFile& f = files[i];
    if (!f.opened) continue;
    f.bytes = OwnedBytes{allocate_buffer(f.expected + 1), 0};
    auto slot = static_cast<int>(i);
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
    io_uring_prep_read(sqe, slot, f.bytes.data.get(), static_cast<unsigned>(f.expected + 1), 0);
    sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, i * 2);
    sqe = io_uring_get_sqe(&ring_->ring);
    io_uring_prep_close_direct(sqe, static_cast<unsigned>(slot));
    io_uring_sqe_set_data64(sqe, i * 2 + 1);
    requests += 2;
  }
  // All of them are waited for, closes included, so that no close of this batch can land on the
  // next batch's descriptor in the slot.
  complete_all(requests, [&](uint64_t data, int res) {
    if (data % 2 != 0) return;  // a failed close changes nothing that was read
    SmallFile& f = files[data / 2];
    // Only the expected size is settled here; a shrink, a growth or an error goes the plain
    // way, which reports or follows it exactly as for a file loaded without io_uring.
    if (res >= 0 && static_cast<std::size_t>(res) == f.expected) {
      f.bytes.size = f.expected;
      f.done = true;
    }
  });
  for (std::size_t i = 0; i < n; ++i)
    if (!files[i].done) files[i].bytes = {};
}

template <class OnCompletion>
void BatchReader::complete_all(std::size_t expected, OnCompletion&& on_completion) {
  io_uring* ring = &ring_->ring;
  std::size_t seen = 0;
  while (seen < expected) {
    // Submits what is still queued (all of it, the first time) and waits for the rest; with a
    // warm page cache the requests complete inside this one call.
    int r = io_uring_submit_and_wait(ring, static_cast<unsigned>(expected - seen));
    if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY && r != -ETIME) {
      // The requests may still write into the buffers: nothing safe is left to do.
      std::fprintf(stderr, "moonring: loader io_uring wait: %s\n", std::strerror(-r));
      std::abort();
    }
    unsigned head = 0;
    unsigned count = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring, head, cqe) {
      ++count;
      on_completion(io_uring_cqe_get_data64(cqe), cqe->res);
    }
    io_uring_cq_advance(ring, count);
    seen += count;
  }
}

void read_plain(std::span<SmallFile> files) {
  for (SmallFile& f : files) {
    f.done = false;
    int fd = ::openat(f.dir_fd, f.name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    auto bytes = read_fd(fd, f.expected, f.name);
    ::close(fd);
    if (!bytes || bytes->size != f.expected) continue;  // settled as with io_uring: exactly
    f.bytes = std::move(*bytes);
    f.done = true;
  }
}

}  // namespace moonring
