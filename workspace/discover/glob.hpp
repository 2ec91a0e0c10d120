// The gitignore glob dialect: `*`, `?`, `[...]` classes, `\` escapes and `**` across folders.
// One matcher serves .gitignore files, configured exclude globs and file associations.
#pragma once

#include <string>
#include <string_view>

namespace moonring::workspace {

// Matches `path` (folders separated by '/', no leading '/') against `pattern` the way git's
// wildmatch does with WM_PATHNAME: `*`, `?` and classes never match '/'; `**` as a whole
// component ("**/x", "x/**", "a/**/b") matches any number of folders, zero included; a `**`
// inside a component ("a**b") is a plain `*`. Classes take ranges, `!`/`^` negation, a leading
// `]` as a literal and the POSIX names ([:alpha:] ...). An unclosed `[` never matches, as in git.
bool glob_match(std::string_view pattern, std::string_view path);

// A pattern with the gitignore line rules already applied (see ignore.hpp for a whole file).
struct GlobRule {
  std::string pattern;    // what remains after `!`, the leading '/' and a trailing '/'
  bool negated = false;   // "!x": re-includes what an earlier rule excluded
  bool dir_only = false;  // "x/": matches folders only
  bool anchored = false;  // had a '/' other than a trailing one: matched against the whole
                          // path relative to the rule's base; otherwise against the last name

  // True when the rule matches `rel_path` (relative to the rule's base folder).
  bool matches(std::string_view rel_path, bool is_dir) const;
};

// Parses one line of a .gitignore file (or one configured glob). Returns false for a line
// that holds no rule (blank, comment, a lone "!" or "/").
bool parse_glob_rule(std::string_view line, GlobRule& out);

}  // namespace moonring::workspace
