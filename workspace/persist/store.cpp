// The persistent store: see store.hpp; the layout is format.hpp's.
#include "workspace/persist/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "workspace/persist/format.hpp"
#include "workspace/persist/hash.hpp"

namespace moonring::persist {
namespace {

constexpr std::string_view kOutdated = "written by another moonring version";

// Entry `i` of the index at `index_offset` (copied out: the index need not be aligned).
IndexEntry entry_at(const MappedRegion& map, std::uint64_t index_offset, std::size_t i) {
  IndexEntry e;
  std::memcpy(&e, map.bytes().data() + index_offset + i * sizeof(IndexEntry), sizeof e);
  return e;
}

FileHeader header_of(const MappedRegion& map) {
  FileHeader h;
  std::memcpy(&h, map.bytes().data(), sizeof h);
  return h;
}

Key key_of(const IndexEntry& e) {
  return {e.key_hi, e.key_lo};
}

std::uint64_t header_checksum(const FileHeader& h) {
  return hash64(&h, offsetof(FileHeader, header_checksum), kHeaderSeed);
}

// Why `map` is not a valid store of `version`, or empty.
std::string defect(const MappedRegion& map, std::uint64_t version) {
  const std::span<const std::byte> bytes = map.bytes();
  if (bytes.size() < sizeof(FileHeader)) return "shorter than a header";
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return "not a moonring store";
  if (h.byte_order != kByteOrderMark) return "written on a machine of another byte order";
  if (h.format != kFormatVersion) return "another format version";
  if (h.header_checksum != header_checksum(h)) return "header checksum mismatch";
  if (h.version != version) return std::string(kOutdated);
  if (h.size != bytes.size()) return "truncated or extended";
  if (h.index_offset < sizeof(FileHeader) || h.index_offset > bytes.size() ||
      (bytes.size() - h.index_offset) / sizeof(IndexEntry) != h.count ||
      (bytes.size() - h.index_offset) % sizeof(IndexEntry) != 0)
    return "index out of place";
  if (hash64(bytes.data() + h.index_offset, h.count * sizeof(IndexEntry), kIndexSeed) !=
      h.index_checksum)
    return "index checksum mismatch";
  // The records must tile [header, index) exactly: every byte is some record's.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
  spans.reserve(h.count);
  Key previous;
  for (std::size_t i = 0; i < h.count; ++i) {
    const IndexEntry e = entry_at(map, h.index_offset, i);
    if (i > 0 && !(previous < key_of(e))) return "index out of order";
    previous = key_of(e);
    spans.emplace_back(e.offset, e.length);
  }
  std::sort(spans.begin(), spans.end());
  std::uint64_t at = sizeof(FileHeader);
  for (const auto& [offset, length] : spans) {
    if (offset != at || length > h.index_offset - offset) return "records do not tile the file";
    at += length;
  }
  if (at != h.index_offset) return "records do not tile the file";
  return {};
}

Result<void> write_at(int fd, std::span<const std::byte> bytes, std::uint64_t offset,
                      const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "write " + path);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

template <typename T>
std::span<const std::byte> bytes_of(const T* data, std::size_t count) {
  return std::as_bytes(std::span<const T>(data, count));
}

}  // namespace

std::uint64_t version_hash(std::string_view version) {
  return hash64(version, kHeaderSeed);
}

Store::Store(Store&& o) noexcept {
  *this = std::move(o);
}

Store& Store::operator=(Store&& o) noexcept {
  if (this == &o) return *this;
  discard_temp();
  path_ = std::move(o.path_);
  version_ = o.version_;
  problem_ = std::move(o.problem_);
  outdated_ = o.outdated_;
  map_ = std::move(o.map_);
  count_ = std::exchange(o.count_, 0);
  used_ = std::move(o.used_);
  damaged_.store(o.damaged_.load());
  put_mutex_ = std::move(o.put_mutex_);
  puts_ = std::move(o.puts_);
  put_error_ = std::move(o.put_error_);
  temp_fd_ = std::exchange(o.temp_fd_, -1);
  temp_path_ = std::move(o.temp_path_);
  temp_end_ = o.temp_end_;
  return *this;
}

Store::~Store() {
  discard_temp();
}

void Store::discard_temp() {
  if (temp_fd_ < 0) return;
  ::close(temp_fd_);
  ::unlink(temp_path_.c_str());
  temp_fd_ = -1;
}

Store Store::open(std::string path, std::string_view version) {
  Store store;
  store.path_ = std::move(path);
  store.version_ = version_hash(version);
  Result<MappedRegion> map = MappedRegion::map(store.path_, MapMode::read_only);
  if (!map) {
    // No file yet is an empty store, not a defect.
    if (map.error().code != std::errc::no_such_file_or_directory)
      store.problem_ = map.error().message();
    return store;
  }
  store.problem_ = defect(*map, store.version_);
  store.outdated_ = store.problem_ == kOutdated;
  if (!store.problem_.empty()) return store;
  FileHeader h;
  std::memcpy(&h, map->bytes().data(), sizeof h);
  store.map_ = std::move(*map);
  store.count_ = h.count;
  store.used_ = std::make_unique<std::atomic<std::uint8_t>[]>(h.count);
  // The modification time is the least-recently-used order that eviction reads.
  ::utimensat(AT_FDCWD, store.path_.c_str(), nullptr, 0);
  return store;
}

std::span<const std::byte> Store::record(std::size_t i) const {
  const IndexEntry e = entry_at(map_, header_of(map_).index_offset, i);
  return map_.bytes().subspan(e.offset, e.length);
}

std::optional<std::span<const std::byte>> Store::find(Key key) const {
  if (count_ == 0) return std::nullopt;
  const std::uint64_t index_offset = header_of(map_).index_offset;
  // Binary search for the first entry not below `key`.
  std::size_t low = 0;
  std::size_t high = count_;
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    if (key_of(entry_at(map_, index_offset, mid)) < key)
      low = mid + 1;
    else
      high = mid;
  }
  if (low == count_) return std::nullopt;
  const IndexEntry e = entry_at(map_, index_offset, low);
  if (key_of(e) != key) return std::nullopt;
  const std::size_t i = low;
  const std::span<const std::byte> bytes = map_.bytes().subspan(e.offset, e.length);
  if (hash64(bytes.data(), bytes.size(), kRecordSeed) != e.checksum) {
    damaged_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  used_[i].store(1, std::memory_order_relaxed);
  return bytes;
}

Result<Store::Placed> Store::spill(std::span<const std::byte> bytes) {
  if (temp_fd_ < 0) {
    const std::filesystem::path target(path_);
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return Error{ec, "create " + target.parent_path().string()};
    // A name no other writer uses: the process, and a counter for several stores in one.
    static std::atomic<unsigned> serial{0};
    temp_path_ = path_ + ".tmp." + std::to_string(::getpid()) + "." +
                 std::to_string(serial.fetch_add(1, std::memory_order_relaxed));
    temp_fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (temp_fd_ < 0) return errno_error(errno, "create " + temp_path_);
    temp_end_ = sizeof(FileHeader);
  }
  const Placed placed{temp_end_, bytes.size(), hash64(bytes.data(), bytes.size(), kRecordSeed)};
  if (Result<void> wrote = write_at(temp_fd_, bytes, temp_end_, temp_path_); !wrote)
    return wrote.error();
  temp_end_ += bytes.size();
  return placed;
}

void Store::put(Key key, std::string_view bytes) {
  std::lock_guard lock(*put_mutex_);
  if (put_error_ || puts_.contains(key)) return;
  Result<Placed> placed = spill(bytes_of(bytes.data(), bytes.size()));
  if (!placed) {
    put_error_ = placed.error();
    return;
  }
  puts_.emplace(key, *placed);
}

bool Store::stale() const {
  if (!problem_.empty() || !puts_.empty() || put_error_) return true;
  for (std::size_t i = 0; i < count_; ++i)
    if (used_[i].load(std::memory_order_relaxed) == 0) return true;
  return false;
}

Result<void> Store::write() {
  if (put_error_) {
    discard_temp();
    return *put_error_;
  }
  // The found records of the old file that no put replaces, appended after the puts.
  std::map<Key, Placed> index = std::move(puts_);
  puts_.clear();
  if (count_ != 0) {
    const std::uint64_t old_index = header_of(map_).index_offset;
    for (std::size_t i = 0; i < count_; ++i) {
      const Key key = key_of(entry_at(map_, old_index, i));
      if (used_[i].load(std::memory_order_relaxed) == 0 || index.contains(key)) continue;
      Result<Placed> placed = spill(record(i));
      if (!placed) {
        discard_temp();
        return placed.error();
      }
      index.emplace(key, *placed);
    }
  }
  // Creates the temporary file when nothing was put (a store of no records is written too).
  if (Result<Placed> opened = spill({}); !opened) return opened.error();

  std::vector<IndexEntry> table;
  table.reserve(index.size());
  for (const auto& [key, p] : index)
    table.push_back({key.hi, key.lo, p.offset, p.length, p.checksum});
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormatVersion;
  h.byte_order = kByteOrderMark;
  h.version = version_;
  h.count = table.size();
  h.index_offset = temp_end_;
  h.size = temp_end_ + table.size() * sizeof(IndexEntry);
  h.index_checksum = hash64(table.data(), table.size() * sizeof(IndexEntry), kIndexSeed);
  h.header_checksum = header_checksum(h);

  Result<void> wrote =
      write_at(temp_fd_, bytes_of(table.data(), table.size()), temp_end_, temp_path_);
  // No fsync: after a crash the file may be short or zeros, which opening detects and
  // rebuilds; a cache is not worth a disk flush per write.
  if (wrote) wrote = write_at(temp_fd_, bytes_of(&h, 1), 0, temp_path_);
  if (wrote && ::rename(temp_path_.c_str(), path_.c_str()) != 0)
    wrote = errno_error(errno, "rename " + temp_path_);
  if (wrote) {
    ::close(temp_fd_);
    temp_fd_ = -1;
  } else {
    discard_temp();
  }
  put_error_ = Error{std::make_error_code(std::errc::operation_not_permitted),
                     "store " + path_ + ": already written"};
  return wrote;
}

}  // namespace moonring::persist
