// A persistent key-value store in one file (format.hpp): memory-mapped when opened, every part
// checked before use, rewritten whole through a temporary file and a rename, so a reader (another
// server on the same workspace) sees the old file or the new one, never a mixture. Any defect
// (missing, truncated, bit-flipped, foreign, another version) gives an empty store that the next
// write replaces: the file is never trusted.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "runtime/result.hpp"
#include "workspace/map/mapped_region.hpp"

namespace moonring::persist {

struct Key {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  auto operator<=>(const Key&) const = default;
};

class Store {
 public:
  // Maps `path` if it is a valid store written under `version`; else an empty store whose
  // problem() says why (none when there is no file yet).
  static Store open(std::string path, std::string_view version);
  Store() = default;
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();  // removes the temporary file of records put but never written

  // The record of `key`, its checksum verified; none when absent or damaged (a damaged record is
  // counted and left out of the next write). From any thread, beside other finds and puts.
  std::optional<std::span<const std::byte>> find(Key key) const;
  // Adds a record for the next write (a key put twice keeps its first record). Its bytes go to
  // the temporary file the write will rename at once: memory keeps only its index entry. From
  // any thread.
  void put(Key key, std::string_view bytes);

  // Whether write() would change the file: a record was put, or one of the file's was not found
  // (unused or damaged), or the file was rejected.
  bool stale() const;
  // Writes the records found or put since open (the rest are dropped, so entries for content no
  // longer seen do not pile up) to a temporary file beside path(), then renames it over path().
  // Not beside find or put; the store takes no puts afterwards.
  Result<void> write();

  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }  // empty: the file was valid
  // The file was whole but written by another version: routine after an upgrade, not damage.
  bool outdated() const { return outdated_; }
  std::size_t records() const { return count_; }  // in the mapped file
  std::size_t damaged() const { return damaged_.load(std::memory_order_relaxed); }

 private:
  struct Placed {
    std::uint64_t offset;
    std::uint64_t length;
    std::uint64_t checksum;
  };
  std::span<const std::byte> record(std::size_t i) const;
  // Appends `bytes` to the temporary file (created on first use); the caller holds the lock.
  Result<Placed> spill(std::span<const std::byte> bytes);
  void discard_temp();

  std::string path_;
  std::uint64_t version_ = 0;
  std::string problem_;
  bool outdated_ = false;
  MappedRegion map_;
  std::size_t count_ = 0;
  std::unique_ptr<std::atomic<std::uint8_t>[]> used_;  // per index entry: found since open
  mutable std::atomic<std::size_t> damaged_{0};

  std::unique_ptr<std::mutex> put_mutex_ = std::make_unique<std::mutex>();
  std::map<Key, Placed> puts_;  // records in the temporary file
  std::optional<Error> put_error_;
  int temp_fd_ = -1;
  std::string temp_path_;
  std::uint64_t temp_end_ = 0;
};

// The version string's hash as the header stores it.
std::uint64_t version_hash(std::string_view version);

}  // namespace moonring::persist
