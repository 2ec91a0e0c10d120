// The gitignore glob matcher (see glob.hpp): a recursive matcher over the pattern text that
// follows git's wildmatch, including its early aborts, so no pattern takes exponential time.
#include "workspace/discover/glob.hpp"

#include <cctype>
#include <cstring>

namespace moonring::workspace {

namespace {

bool posix_class(std::string_view name, unsigned char c) {
  if (name == "alnum") return std::isalnum(c);
  if (name == "alpha") return std::isalpha(c);
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c);
  if (name == "digit") return std::isdigit(c);
  if (name == "graph") return std::isgraph(c);
  if (name == "lower") return std::islower(c);
  if (name == "print") return std::isprint(c);
  if (name == "punct") return std::ispunct(c);
  if (name == "space") return std::isspace(c);
  if (name == "upper") return std::isupper(c);
  if (name == "xdigit") return std::isxdigit(c);
  return false;
}

// Matches `c` against the class starting just after '[' at p[i]. Sets `end` to the index after
// the closing ']'; returns false with end = npos when the class is not closed.
bool match_class(std::string_view p, std::size_t i, unsigned char c, std::size_t& end) {
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < p.size()) {
    unsigned char lo = static_cast<unsigned char>(p[i]);
    if (lo == ']' && !first) {
      end = i + 1;
      return found != negate;
    }
    first = false;
    if (lo == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      std::size_t close = p.find(":]", i + 2);
      if (close == std::string_view::npos) break;
      if (posix_class(p.substr(i + 2, close - i - 2), c)) found = true;
      i = close + 2;
      continue;
    }
    if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
    ++i;
    unsigned char hi = lo;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      hi = static_cast<unsigned char>(p[i + 1]);
      i += 2;
      if (hi == '\\' && i < p.size()) hi = static_cast<unsigned char>(p[i++]);
    }
    if (c >= lo && c <= hi) found = true;
  }
  end = std::string_view::npos;
  return false;
}

// Like git's wildmatch, a failure says how far back it is worth retrying: `abort_all` (the text
// ran out, so no later start can help) and `abort_to_starstar` (a '/' stopped a `*`, which only
// a `**` further out can get past) keep stars from retrying every split of the text.
enum class Match { yes, no, abort_all, abort_to_starstar };

Match match_from(std::string_view p, std::size_t pi, std::string_view t, std::size_t ti) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      std::size_t stars = pi;
      while (stars < p.size() && p[stars] == '*') ++stars;
      bool whole_component = stars - pi >= 2 && (pi == 0 || p[pi - 1] == '/') &&
                             (stars == p.size() || p[stars] == '/');
      if (whole_component) {
        if (stars == p.size()) return Match::yes;  // "x/**": everything below
        // "**/": zero or more folders, so try the rest here and after every later '/'.
        std::size_t rest = stars + 1;
        for (std::size_t k = ti;; ++k) {
          Match m = match_from(p, rest, t, k);
          if (m == Match::yes || m == Match::abort_all) return m;
          k = t.find('/', k);
          if (k == std::string_view::npos) return Match::abort_all;
        }
      }
      // A plain star: any run of characters within this component.
      if (stars == p.size())
        return t.find('/', ti) == std::string_view::npos ? Match::yes : Match::abort_to_starstar;
      for (std::size_t k = ti; k < t.size(); ++k) {
        Match m = match_from(p, stars, t, k);
        if (m != Match::no) return m;
        if (t[k] == '/') return Match::abort_to_starstar;
      }
      return Match::abort_all;
    }
    if (ti >= t.size()) return Match::abort_all;
    unsigned char tc = static_cast<unsigned char>(t[ti]);
    if (c == '?') {
      if (tc == '/') return Match::no;
    } else if (c == '[') {
      if (tc == '/') return Match::no;
      std::size_t end = 0;
      bool ok = match_class(p, pi + 1, tc, end);
      if (end == std::string_view::npos) return Match::abort_all;
      if (!ok) return Match::no;
      pi = end;
      ++ti;
      continue;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (static_cast<unsigned char>(c) != tc) return Match::no;
    }
    ++pi;
    ++ti;
  }
  return ti == t.size() ? Match::yes : Match::no;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_from(pattern, 0, path, 0) == Match::yes;
}

bool GlobRule::matches(std::string_view rel_path, bool is_dir) const {
  if (dir_only && !is_dir) return false;
  if (anchored) return glob_match(pattern, rel_path);
  std::size_t slash = rel_path.rfind('/');
  return glob_match(pattern,
                    slash == std::string_view::npos ? rel_path : rel_path.substr(slash + 1));
}

bool parse_glob_rule(std::string_view line, GlobRule& out) {
  out = GlobRule{};
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Trailing spaces go unless the last one is escaped ("a\ " keeps one space).
  while (!line.empty() && line.back() == ' ') {
    std::size_t n = line.size();
    std::size_t backslashes = 0;
    while (backslashes + 1 < n && line[n - 2 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) break;
    line.remove_suffix(1);
  }
  if (line.empty() || line.front() == '#') return false;
  if (line.front() == '!') {
    out.negated = true;
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    std::size_t n = line.size();
    std::size_t backslashes = 0;
    while (backslashes + 1 < n && line[n - 2 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      out.dir_only = true;
      line.remove_suffix(1);
    }
  }
  if (!line.empty() && line.front() == '/') {
    out.anchored = true;
    line.remove_prefix(1);
  }
  if (line.empty()) return false;
  if (line.find('/') != std::string_view::npos) out.anchored = true;
  out.pattern.assign(line);
  return true;
}

}  // namespace moonring::workspace
