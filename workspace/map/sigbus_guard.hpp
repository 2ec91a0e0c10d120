// Truncation safety for mapped files: a SIGBUS inside a registered region is answered with zero
// pages and a "truncated" flag instead of killing the process.
#pragma once

#include <cstddef>
#include <cstdint>

namespace moonring::sigbus_guard {

// A registration: an index into a fixed table, or kNone when the table was full (the region then
// works unprotected, as any plain mapping does).
inline constexpr uint32_t kNone = UINT32_MAX;

// Installs the handler (once, chaining to any handler installed before) and records
// [begin, begin + length). Async-signal-safe lookup: the table is a fixed array of atomics.
uint32_t add(const void* begin, std::size_t length, bool writable);
// Forgets a registration. Call before munmap, and only while no thread reads the region.
void remove(uint32_t slot);
// True once a fault inside the region was answered with zeros (the file shrank under the map).
bool truncated(uint32_t slot);
// Marks a region stale without a fault (e.g. MADV_POPULATE_READ reported that it would fault).
void mark_truncated(uint32_t slot);

}  // namespace moonring::sigbus_guard
