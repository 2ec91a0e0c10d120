// Lua's character classes (lctype: ASCII only, no locale), shared by the lexer's files.
#pragma once

#include <array>
#include <cstdint>

namespace moonring::lua::lex {

// Character classes of Lua's lctype (ASCII only, no locale).
constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] |= 1 | 4;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= 2;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= 2;
  t['_'] |= 2;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= 4;
  for (int c = 'A'; c <= 'F'; ++c) t[c] |= 4;
  for (int c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[c] |= 8;
  return t;
}
inline constexpr auto kClass = make_classes();
inline bool is_digit(int c) {
  return c >= 0 && (kClass[c] & 1);
}
inline bool is_alpha(int c) {
  return c >= 0 && (kClass[c] & 2);
}
inline bool is_alnum(int c) {
  return c >= 0 && (kClass[c] & 3);
}
inline bool is_xdigit(int c) {
  return c >= 0 && (kClass[c] & 4);
}
inline bool is_space(int c) {
  return c >= 0 && (kClass[c] & 8);
}
inline int hex_value(int c) {
  return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

}  // namespace moonring::lua::lex
