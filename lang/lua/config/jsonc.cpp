// The trailing-comma pass over JSONC (nlohmann_json 3.11 ignores comments but not those commas).
#include "lang/lua/config/jsonc.hpp"

namespace moonring::lua::config {
namespace {

// Skips a string starting at text[i] == '"'; returns the offset after its closing quote.
std::size_t skip_string(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

// Skips a comment at text[i] == '/' if there is one; returns i unchanged otherwise.
std::size_t skip_comment(std::string_view text, std::size_t i) {
  if (i + 1 >= text.size()) return i;
  if (text[i + 1] == '/') {
    std::size_t end = text.find('\n', i);
    return end == std::string_view::npos ? text.size() : end + 1;
  }
  if (text[i + 1] == '*') {
    std::size_t end = text.find("*/", i + 2);
    return end == std::string_view::npos ? text.size() : end + 2;
  }
  return i;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::string strip_trailing_commas(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      i = skip_string(text, i);
    } else if (c == '/') {
      std::size_t next = skip_comment(text, i);
      i = next == i ? i + 1 : next;
    } else if (c == ',') {
      std::size_t j = i + 1;
      while (j < text.size()) {
        if (is_blank(text[j])) {
          ++j;
        } else if (text[j] == '/' && skip_comment(text, j) != j) {
          j = skip_comment(text, j);
        } else {
          break;
        }
      }
      if (j < text.size() && (text[j] == '}' || text[j] == ']')) out[i] = ' ';
      ++i;
    } else {
      ++i;
    }
  }
  return out;
}

LineCol line_col(std::string_view text, std::size_t offset) {
  LineCol lc{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

}  // namespace moonring::lua::config
