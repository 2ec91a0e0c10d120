// The lexer's numerals, per version: how far each version's llex.c scans a numeral before it
// judges it, and how it converts the text (lua_str2number / luaO_str2num).
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "lang/lua/syntax/lexer.hpp"
#include "lang/lua/syntax/lexer_chars.hpp"

namespace moonring::lua {

using namespace lex;

namespace {

NumberValue float_value(double d) {
  NumberValue v;
  v.kind = NumberKind::Float;
  v.real = d;
  return v;
}

// strtod over the whole text, as lua_str2number does; false if anything is left over.
bool whole_strtod(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return false;
  while (is_space(static_cast<unsigned char>(*end))) ++end;
  return *end == '\0';
}

// luaO_str2num of 5.3/5.4: an integer when it fits (hex wraps around), else a float.
bool str2num_53(const std::string& s, NumberValue* v) {
  const char* p = s.c_str();
  std::uint64_t a = 0;
  bool empty = true;
  bool ok = true;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    for (p += 2; is_xdigit(static_cast<unsigned char>(*p)); ++p) {
      a = a * 16 + static_cast<std::uint64_t>(hex_value(static_cast<unsigned char>(*p)));
      empty = false;
    }
  } else {
    for (; is_digit(static_cast<unsigned char>(*p)); ++p) {
      int d = *p - '0';
      if (a >= 922337203685477580ull && (a > 922337203685477580ull || d > 7)) {
        ok = false;  // overflow: read as a float
        break;
      }
      a = a * 10 + static_cast<std::uint64_t>(d);
      empty = false;
    }
  }
  if (ok && !empty && *p == '\0') {
    v->kind = NumberKind::Integer;
    v->integer = static_cast<std::int64_t>(a);
    return true;
  }
  if (s.find_first_of("nN") != std::string::npos) return false;  // no 'inf' or 'nan'
  double d;
  if (!whole_strtod(s, &d)) return false;
  *v = float_value(d);
  return true;
}

}  // namespace

void Lexer::numeral(Token& t) {
  // llex.c of 5.2-5.4: digits, '.', and exponent marks with their signs; 5.4 also takes one
  // letter touching the numeral (so that "3x" is one malformed number).
  const std::uint32_t start = t.start;  // may be a '.' already consumed
  const char* expo = "Ee";
  if (cur() == '0' && (peek() == 'x' || peek() == 'X')) {
    pos_ += 2;
    expo = "Pp";
  } else {
    ++pos_;
  }
  for (;;) {
    int c = cur();
    if (c == expo[0] || c == expo[1]) {
      ++pos_;
      if (cur() == '-' || cur() == '+') ++pos_;
    } else if (is_xdigit(c) || c == '.') {
      ++pos_;
    } else {
      break;
    }
  }
  if (version_ == LuaVersion::Lua54 && is_alpha(cur())) ++pos_;
  t.end = pos_;
  std::string text(src_.substr(start, pos_ - start));
  NumberValue v;
  bool ok;
  if (has_integers(version_)) {
    ok = str2num_53(text, &v);
  } else {
    double d = 0;
    ok = text.find_first_of("nN") == std::string::npos && whole_strtod(text, &d);
    v = float_value(d);
    if (!ok) v = float_value(0);
  }
  if (!ok) error(std::string("malformed number near '") + text + "'", start);
  t.number = v;
}

void Lexer::numeral_51(Token& t) {
  // 5.1: digits and '.', an exponent with its sign, then any alphanumerics; strtod judges,
  // with strtoul for what stops at an 'x'.
  const std::uint32_t start = t.start;
  while (is_digit(cur()) || cur() == '.') ++pos_;
  if (cur() == 'e' || cur() == 'E') {
    ++pos_;
    if (cur() == '+' || cur() == '-') ++pos_;
  }
  while (is_alnum(cur())) ++pos_;
  t.end = pos_;
  std::string text(src_.substr(start, pos_ - start));
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  bool ok = end != text.c_str();
  if (ok && (*end == 'x' || *end == 'X')) {
    d = static_cast<double>(std::strtoul(text.c_str(), &end, 16));
  }
  if (ok) {
    while (is_space(static_cast<unsigned char>(*end))) ++end;
    ok = *end == '\0';
  }
  if (!ok) error(std::string("malformed number near '") + text + "'", start);
  t.number = float_value(ok ? d : 0);
}

void Lexer::numeral_jit(Token& t) {
  // LuaJIT: identifier characters, '.', and a sign after the exponent mark; then the suffixes
  // LL, ULL (64-bit integers) and i (imaginary).
  const std::uint32_t start = t.start;
  int xp = 'e';
  if (cur() == '0' && (peek() | 0x20) == 'x') xp = 'p';
  int prev = 0;
  for (;;) {
    int c = cur();
    if (is_alnum(c) || c == '.' || ((c == '-' || c == '+') && (prev | 0x20) == xp)) {
      prev = c;
      ++pos_;
    } else {
      break;
    }
  }
  t.end = pos_;
  std::string text(src_.substr(start, pos_ - start));
  std::string lower;
  for (char ch : text) lower += static_cast<char>(ch | 0x20);
  NumberKind kind = NumberKind::Float;
  std::string body = text;
  if (lower.ends_with("ull")) {
    kind = NumberKind::UInt64;
    body.resize(body.size() - 3);
  } else if (lower.ends_with("ll")) {
    kind = NumberKind::Int64;
    body.resize(body.size() - 2);
  } else if (lower.ends_with("i")) {
    kind = NumberKind::Imaginary;
    body.resize(body.size() - 1);
  }
  NumberValue v;
  bool ok = body.find_first_of("nN") == std::string::npos;
  if (ok && (kind == NumberKind::Int64 || kind == NumberKind::UInt64)) {
    ok = body.find_first_of(".pP") == std::string::npos &&
         (body.find_first_of("eE") == std::string::npos || body.starts_with("0x") ||
          body.starts_with("0X"));
    char* end = nullptr;
    errno = 0;
    unsigned long long u = ok ? std::strtoull(body.c_str(), &end, 0) : 0;
    ok = ok && end != body.c_str() && *end == '\0';
    v.kind = kind;
    v.integer = static_cast<std::int64_t>(u);
  } else if (ok) {
    double d = 0;
    ok = whole_strtod(body, &d);
    v = float_value(d);
    v.kind = kind;
  }
  if (!ok) error(std::string("malformed number near '") + text + "'", start);
  t.number = v;
}

}  // namespace moonring::lua
