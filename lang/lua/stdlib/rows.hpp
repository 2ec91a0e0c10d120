// The standard-library table as rows: one name, the versions that have it and its signature.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::stdlib::detail {

// Version bits, one per LuaVersion.
inline constexpr std::uint8_t k51 = 1, k52 = 2, k53 = 4, k54 = 8, kJit = 16;
inline constexpr std::uint8_t kAll = k51 | k52 | k53 | k54 | kJit;

inline constexpr std::uint8_t version_bit(LuaVersion v) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(v));
}

struct Row {
  std::string_view table;  // "" for a global
  std::string_view name;
  Kind kind;
  std::uint8_t documented;  // versions whose manual has it
  std::uint8_t compat;      // versions that have it only as a compatibility or undocumented name
  std::string_view params;
};

// Every row; a name whose signature changed between versions has one row per signature.
std::span<const Row> rows();

}  // namespace moonring::lua::stdlib::detail
