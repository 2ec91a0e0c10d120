// A fast 64-bit hash of bytes (not cryptographic): the persistent store's record keys and
// checksums. Stable across runs and machines of one byte order, which the store's header pins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace moonring::persist {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed = 0);

inline std::uint64_t hash64(std::string_view text, std::uint64_t seed = 0) {
  return hash64(text.data(), text.size(), seed);
}

}  // namespace moonring::persist
