// hash64: 16 bytes per step, each folded into the state by one 64x64->128-bit multiply whose
// halves are xored (every input bit reaches every output bit in a step or two).
#include "workspace/persist/hash.hpp"

#include <cstring>

namespace moonring::persist {
namespace {

constexpr std::uint64_t kOdd0 = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t kOdd1 = 0xd6e8feb86659fd93ull;
constexpr std::uint64_t kOdd2 = 0xa0761d6478bd642full;
constexpr std::uint64_t kOdd3 = 0xe7037ed1a0b428dbull;

__extension__ typedef unsigned __int128 Wide;  // GCC and Clang on 64-bit targets

std::uint64_t fold(std::uint64_t a, std::uint64_t b) {
  const Wide product = static_cast<Wide>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t load8(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = fold(seed ^ kOdd0, size ^ kOdd1);
  std::size_t left = size;
  // Two chains side by side keep both multipliers busy; `h +` keeps a zero product from
  // erasing the state.
  std::uint64_t g = h ^ kOdd3;
  while (left >= 32) {
    h += fold(load8(p) ^ kOdd2, load8(p + 8) ^ h);
    g += fold(load8(p + 16) ^ kOdd3, load8(p + 24) ^ g);
    p += 32;
    left -= 32;
  }
  h ^= fold(g ^ kOdd1, h ^ kOdd0);
  if (left >= 16) {
    h += fold(load8(p) ^ kOdd2, load8(p + 8) ^ h);
    p += 16;
    left -= 16;
  }
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (left > 8) {
    a = load8(p);
    std::memcpy(&b, p + 8, left - 8);
  } else if (left > 0) {
    std::memcpy(&a, p, left);
  }
  h += fold(a ^ kOdd3, b ^ h ^ left);
  return fold(h ^ kOdd0, h ^ kOdd2) ^ h;
}

}  // namespace moonring::persist
