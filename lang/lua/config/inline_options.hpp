// luacheck's inline options, read from a file's comments ("-- luacheck: ignore 212",
// "-- luacheck: globals vim", "-- luacheck: push ignore foo" ... "-- luacheck: pop"), so a team's
// annotations keep working. Each option covers a span of the file: its own line when code shares
// that line, else the rest of the enclosing function (or file); push/pop end a span early.
// Supported: ignore [patterns] (none: everything), globals / new globals / read globals / new read
// globals NAMES, no unused, no unused args, no redefined, no global, push, pop; notes in
// parentheses are skipped. Other options (std, allow defined, enable, only, max line length, ...)
// are not applied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/config/config.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::config {

struct InlineOptions {
  struct Span {
    std::uint32_t start = 0;  // byte offsets, end excluded
    std::uint32_t end = 0;
    bool contains(std::uint32_t offset) const { return offset >= start && offset < end; }
  };
  struct Ignore {
    Span span;
    IgnoreRule rule;
  };
  struct Global {
    Span span;
    std::string name;
  };
  std::vector<Ignore> ignores;
  std::vector<Global> globals;  // names declared as globals (read-only or not) in their span

  bool empty() const { return ignores.empty() && globals.empty(); }
  // Whether a diagnostic with moonring code `code` about `name` ("" for none) at `offset` is
  // ignored by an option covering that offset; see IgnoreRule::matches for `luacheck_code`.
  bool ignores_at(std::string_view code, std::string_view name, std::uint32_t offset,
                  std::string_view luacheck_code = {}) const;
  // Whether `name` is declared a global by an option covering `offset`.
  bool declares_at(std::string_view name, std::uint32_t offset) const;
};

InlineOptions read_inline_options(const Tree& tree);

}  // namespace moonring::lua::config
