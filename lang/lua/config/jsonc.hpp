// JSON with comments and trailing commas (what LuaLS and VS Code accept) made plain for a parser.
#pragma once

#include <string>
#include <string_view>

namespace moonring::lua::config {

// Replaces every comma that only a closing '}' or ']' follows (blanks and comments between) with a
// space, so byte offsets stay those of the original text. Strings and comments are skipped whole.
std::string strip_trailing_commas(std::string_view text);

// 1-based line and column of a byte offset, for messages.
struct LineCol {
  std::size_t line;
  std::size_t column;
};
LineCol line_col(std::string_view text, std::size_t offset);

}  // namespace moonring::lua::config
