// A backtracking Lua-pattern matcher over short names and codes (luacheck's ignore entries).
#include "lang/lua/config/lua_pattern.hpp"

#include <cctype>
#include <cstddef>

namespace moonring::lua::config {
namespace {

bool class_matches(char cls, unsigned char c) {
  bool r;
  switch (std::tolower(static_cast<unsigned char>(cls))) {
    case 'a':
      r = std::isalpha(c);
      break;
    case 'c':
      r = std::iscntrl(c);
      break;
    case 'd':
      r = std::isdigit(c);
      break;
    case 'g':
      r = std::isgraph(c);
      break;
    case 'l':
      r = std::islower(c);
      break;
    case 'p':
      r = std::ispunct(c);
      break;
    case 's':
      r = std::isspace(c);
      break;
    case 'u':
      r = std::isupper(c);
      break;
    case 'w':
      r = std::isalnum(c);
      break;
    case 'x':
      r = std::isxdigit(c);
      break;
    default:
      return static_cast<unsigned char>(cls) == c;  // an escaped character
  }
  if (std::isupper(static_cast<unsigned char>(cls))) r = !r;
  return r;
}

struct Matcher {
  std::string_view p;
  std::string_view s;
  int budget = 100000;  // steps; ignore patterns are short, this only stops pathological ones

  // The end of the single-character item starting at pi, or npos when malformed.
  std::size_t item_end(std::size_t pi) const {
    if (p[pi] == '%') return pi + 1 < p.size() ? pi + 2 : std::string_view::npos;
    if (p[pi] == '[') {
      std::size_t i = pi + 1;
      if (i < p.size() && p[i] == '^') ++i;
      if (i < p.size() && p[i] == ']') ++i;  // a leading ']' is literal
      while (i < p.size() && p[i] != ']') i += (p[i] == '%') ? 2 : 1;
      return i < p.size() ? i + 1 : std::string_view::npos;
    }
    return pi + 1;
  }

  bool set_matches(std::size_t pi, std::size_t end, unsigned char c) const {
    std::size_t i = pi + 1;
    bool negate = false;
    if (p[i] == '^') {
      negate = true;
      ++i;
    }
    bool found = false;
    std::size_t last = end - 1;  // the closing ']'
    while (i < last) {
      if (p[i] == '%' && i + 1 < last) {
        found = found || class_matches(p[i + 1], c);
        i += 2;
      } else if (i + 2 < last && p[i + 1] == '-') {
        found = found || (static_cast<unsigned char>(p[i]) <= c &&
                          c <= static_cast<unsigned char>(p[i + 2]));
        i += 3;
      } else {
        found = found || static_cast<unsigned char>(p[i]) == c;
        ++i;
      }
    }
    return found != negate;
  }

  bool single(std::size_t si, std::size_t pi, std::size_t end) const {
    if (si >= s.size()) return false;
    unsigned char c = static_cast<unsigned char>(s[si]);
    switch (p[pi]) {
      case '.':
        return true;
      case '%':
        return class_matches(p[pi + 1], c);
      case '[':
        return set_matches(pi, end, c);
      default:
        return static_cast<unsigned char>(p[pi]) == c;
    }
  }

  bool match(std::size_t si, std::size_t pi) {
    if (--budget < 0) return false;
    if (pi == p.size()) return true;
    if (p[pi] == '$' && pi + 1 == p.size()) return si == s.size();
    if (p[pi] == '(' || p[pi] == ')') return false;
    if (p[pi] == '%' && pi + 1 < p.size() && (p[pi + 1] == 'b' || p[pi + 1] == 'f')) return false;
    std::size_t end = item_end(pi);
    if (end == std::string_view::npos) return false;
    char q = end < p.size() ? p[end] : '\0';
    switch (q) {
      case '?':
        if (single(si, pi, end) && match(si + 1, end + 1)) return true;
        return match(si, end + 1);
      case '+':
        if (!single(si, pi, end)) return false;
        ++si;
        [[fallthrough]];
      case '*': {
        std::size_t n = 0;
        while (single(si + n, pi, end)) ++n;
        for (std::size_t k = n + 1; k-- > 0;) {
          if (match(si + k, end + 1)) return true;
        }
        return false;
      }
      case '-':
        for (std::size_t k = si;; ++k) {
          if (match(k, end + 1)) return true;
          if (!single(k, pi, end)) return false;
        }
      default:
        return single(si, pi, end) && match(si + 1, end);
    }
  }
};

}  // namespace

bool lua_pattern_find(std::string_view pattern, std::string_view subject) {
  bool anchored = pattern.starts_with('^');
  if (anchored) pattern.remove_prefix(1);
  Matcher m{pattern, subject};
  for (std::size_t start = 0; start <= subject.size(); ++start) {
    if (m.match(start, 0)) return true;
    if (anchored || m.budget < 0) return false;
  }
  return false;
}

}  // namespace moonring::lua::config
