// The persistent store's file layout (docs/cache.md). Little-endian, this machine's order: the
// header's byte-order mark rejects a file written by a machine of the other order.
//
//   header (64 bytes) | records, end to end | index: `count` entries of 40 bytes, sorted by key
//
// Records come first so that a writer streams them to disk as they are made and keeps only the
// index in memory. The header's checksum covers its first 56 bytes; the index's checksum covers
// the index; each entry carries its record's checksum, checked when the record is read. The
// records tile the space between the header and the index exactly (checked on open), so no byte
// is outside all three checksums: any change to the file is caught.
#pragma once

#include <cstddef>
#include <cstdint>

namespace moonring::persist {

inline constexpr char kMagic[8] = {'M', 'R', 'N', 'G', 'S', 'T', 'O', 'R'};
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::uint32_t kByteOrderMark = 0x01020304u;

struct FileHeader {
  char magic[8];
  std::uint32_t format;
  std::uint32_t byte_order;
  std::uint64_t version;  // hash64 of the writer's version string
  std::uint64_t count;    // index entries
  std::uint64_t size;     // the whole file, bytes
  std::uint64_t index_checksum;
  std::uint64_t index_offset;     // the index's first byte; records lie in [64, index_offset)
  std::uint64_t header_checksum;  // of the 56 bytes above
};
static_assert(sizeof(FileHeader) == 64);

struct IndexEntry {
  std::uint64_t key_hi;
  std::uint64_t key_lo;
  std::uint64_t offset;  // from the file's start
  std::uint64_t length;
  std::uint64_t checksum;  // hash64 of the record's bytes
};
static_assert(sizeof(IndexEntry) == 40);

// Seeds of the three checksums, so that one region's bytes never pass as another's.
inline constexpr std::uint64_t kHeaderSeed = 0x6865616465720001ull;
inline constexpr std::uint64_t kIndexSeed = 0x696e646578000002ull;
inline constexpr std::uint64_t kRecordSeed = 0x7265636f72640003ull;

}  // namespace moonring::persist
