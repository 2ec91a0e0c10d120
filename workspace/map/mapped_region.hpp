// An RAII memory-mapped file region (read-only, read-write or copy-on-write) with madvise hints,
// and the plain synchronous read of a whole small file into memory.
#pragma once

#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "runtime/result.hpp"
#include "workspace/map/buffer_pool.hpp"

namespace moonring {

enum class MapMode {
  read_only,      // PROT_READ, MAP_SHARED
  read_write,     // PROT_READ|PROT_WRITE, MAP_SHARED: writes reach the file
  copy_on_write,  // PROT_READ|PROT_WRITE, MAP_PRIVATE: writes stay in this process
};

enum class Advice { normal, sequential, random, will_need, dont_need };

class MappedRegion {
 public:
  MappedRegion() = default;  // empty
  MappedRegion(MappedRegion&& o) noexcept;
  MappedRegion& operator=(MappedRegion&& o) noexcept;
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;
  ~MappedRegion();

  // Maps the whole file. An empty file gives an empty region (nothing is mapped). Regions are
  // registered with the SIGBUS guard: if the file shrinks, reads past its new end see zeros and
  // truncated() turns true.
  static Result<MappedRegion> map(const std::string& path, MapMode mode = MapMode::read_only);
  // Maps `size` bytes of an open descriptor (which the caller keeps and may close afterwards).
  // `populate`: MAP_POPULATE, the prefault within the mmap call (pages it cannot bring in, past
  // a new end of the file, are left to fault, and the guard answers them).
  static Result<MappedRegion> map_fd(int fd, std::size_t size, MapMode mode,
                                     const std::string& path, bool populate = false);

  Result<void> advise(Advice advice) const;
  // Brings every page in now: MADV_POPULATE_READ, or will-need plus one touch per page on kernels
  // without it. [offset, offset + length) lets several threads prefault parts of one region.
  Result<void> prefault(std::size_t offset = 0, std::size_t length = SIZE_MAX) const;
  // Prefaults by reading one byte every `stride` bytes. Each read faults once and the kernel maps
  // the page-cache pages around it (fault-around, 64 KB by default) under the mapping's own lock,
  // not the process-wide mmap lock that MAP_POPULATE and MADV_POPULATE_READ hold (on which
  // threads mapping files at once queued up). Measured here faster than both, on one thread too.
  // Pages it leaves out (a smaller fault-around, a cold cache) fault on first use; pages past a
  // new end of the file are answered by the guard.
  void touch_prefault(std::size_t stride = std::size_t{64} << 10) const;
  // msync for read_write regions.
  Result<void> sync() const;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  // Writable view; empty for read_only regions.
  std::span<std::byte> writable_bytes() {
    return mode_ == MapMode::read_only ? std::span<std::byte>{}
                                       : std::span<std::byte>{data_, size_};
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  MapMode mode() const { return mode_; }
  const std::string& path() const { return path_; }
  // The file shrank while mapped: some pages read as zeros; re-read the file.
  bool truncated() const;

 private:
  void reset() noexcept;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  MapMode mode_ = MapMode::read_only;
  uint32_t guard_slot_ = UINT32_MAX;
  std::string path_;
};

// A plain synchronous open + read + close of a whole file into an owned buffer, for small files.
struct OwnedBytes {
  ByteBuffer data;
  std::size_t size = 0;
  std::span<const std::byte> bytes() const { return {data.get(), size}; }
};
Result<OwnedBytes> read_file(const std::string& path);
// The same on an open descriptor whose size is believed to be `expected` (grows are followed).
Result<OwnedBytes> read_fd(int fd, std::size_t expected, const std::string& path);

// Opens a regular file read-only; directories and other non-regular files fail with context
// ("open src: Is a directory"). Returns the descriptor and the file's size.
struct OpenedFile {
  int fd = -1;
  std::size_t size = 0;
};
// `access` is O_RDONLY or O_RDWR.
Result<OpenedFile> open_regular(const std::string& path, int access = O_RDONLY);

}  // namespace moonring
