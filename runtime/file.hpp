// Files through the backend: open/create, sequential and positioned reads and writes, sync,
// metadata (statx) and close. Every error names the operation and the path.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "runtime/io_op.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring {

enum class FileType { regular, directory, symlink, other };

struct FileMetadata {
  uint64_t size = 0;
  FileType type = FileType::other;
  uint32_t mode = 0;  // permission bits
  timespec modified{};
  timespec accessed{};
  timespec changed{};
  timespec created{};  // zero where the file system does not record it
};

struct OpenOptions {
  bool read = true;
  bool write = false;
  bool create = false;
  bool truncate = false;
  bool append = false;
  bool exclusive = false;  // with create: fail if the file exists
  unsigned mode = 0644;
};

class File {
 public:
  File() = default;
  File(File&& o) noexcept;
  File& operator=(File&& o) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();  // closes synchronously if close() was not awaited

  static Task<Result<File>> open(std::string path, OpenOptions options = {});
  // Opens for writing, creating or truncating.
  static Task<Result<File>> create(std::string path);
  static Task<Result<FileMetadata>> metadata(std::string path, bool follow_symlinks = true);

  // At the file position (advancing it).
  Task<Result<std::size_t>> read(std::span<std::byte> buffer);
  Task<Result<std::size_t>> write(std::span<const std::byte> data);
  // At `offset`, leaving the file position alone.
  Task<Result<std::size_t>> read_at(std::span<std::byte> buffer, uint64_t offset);
  Task<Result<std::size_t>> write_at(std::span<const std::byte> data, uint64_t offset);
  // Loops until everything is written (or an error).
  Task<Result<void>> write_all_at(std::span<const std::byte> data, uint64_t offset);
  // Loops until `buffer` is full or the end of the file; returns how much was read.
  Task<Result<std::size_t>> read_full_at(std::span<std::byte> buffer, uint64_t offset);

  Task<Result<void>> sync();       // fsync
  Task<Result<void>> sync_data();  // fdatasync
  Task<Result<FileMetadata>> metadata();
  Task<Result<void>> close();

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Error error(int neg_errno, const char* what) const;

  int fd_ = -1;
  std::string path_;
};

}  // namespace moonring
