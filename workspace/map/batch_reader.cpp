// The loader's batched small-file reads, in two rounds per batch through the runtime's
// FileBatch (every file's open into a slot; then every file's read of size+1 bytes and close).
// See docs/workspace.md ("Per-file strategy").
#include "workspace/map/batch_reader.hpp"

#include <algorithm>

namespace moonring {

std::unique_ptr<BatchReader> BatchReader::create() {
  return std::unique_ptr<BatchReader>(new BatchReader(FileBatch::create()));
}

std::unique_ptr<BatchReader> BatchReader::create_plain() {
  return std::unique_ptr<BatchReader>(new BatchReader(FileBatch::create_plain()));
}

void BatchReader::read(std::span<SmallFile> files) {
  std::size_t n = std::min(files.size(), kMaxFiles);
  for (std::size_t i = n; i < files.size(); ++i) files[i].done = false;  // past one batch
  // Two rounds rather than a linked chain per file: a linked request runs as task work once
  // the one before it completes, and that cost about 3% more CPU on bench/load's small tree
  // than a second io_uring_enter per batch (and reading each file right after its open, unlinked
  // in one submission, was no better). First the opens, each into its own slot.
  for (std::size_t i = 0; i < n; ++i) {
    SmallFile& f = files[i];
    f.done = false;
    f.opened = false;
    if (f.expected >= kMaxFileSize) continue;  // one read's length is 32 bits: not here
    batch_->open(static_cast<unsigned>(i), f.dir_fd, f.name, i);
  }
  for (const FileBatch::Completion& c : batch_->wait_all()) files[c.tag].opened = c.result >= 0;
  // Then a read of size+1 bytes and a close per opened file: a short read proves the end of the
  // file in one request.
  for (std::size_t i = 0; i < n; ++i) {
    SmallFile& f = files[i];
    if (!f.opened) continue;
    f.bytes = OwnedBytes{allocate_buffer(f.expected + 1), 0};
    auto slot = static_cast<unsigned>(i);
    batch_->read(slot, f.bytes.data.get(), static_cast<uint32_t>(f.expected + 1), i * 2);
    batch_->close(slot, i * 2 + 1);
  }
  // All of them are waited for, closes included, so that no close of this batch can land on the
  // next batch's descriptor in the slot.
  for (const FileBatch::Completion& c : batch_->wait_all()) {
    if (c.tag % 2 != 0) continue;  // a failed close changes nothing that was read
    SmallFile& f = files[c.tag / 2];
    // Only the expected size is settled here; a shrink, a growth or an error goes the plain
    // way, which reports or follows it exactly as for a file loaded one by one.
    if (c.result >= 0 && static_cast<std::size_t>(c.result) == f.expected) {
      f.bytes.size = f.expected;
      f.done = true;
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!files[i].done) files[i].bytes = {};
}

}  // namespace moonring
