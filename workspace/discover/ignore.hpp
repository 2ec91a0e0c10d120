// Ignore rules: the rules of one .gitignore file (or of the configured excludes) and the stack
// of them that applies at a point of the walk, where deeper files and later lines win.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "workspace/discover/glob.hpp"

namespace moonring::workspace {

enum class IgnoreVerdict { none, ignored, included };

// The rules of one file, relative to its folder `base` ("" for a walk root, else "a/b").
struct IgnoreRules {
  std::string base;
  std::vector<GlobRule> rules;

  // Reads every line of a .gitignore text.
  static IgnoreRules parse(std::string base, std::string_view text);
  // One rule per configured glob, each in the same dialect as a .gitignore line.
  static IgnoreRules from_globs(const std::vector<std::string>& globs);

  // The last rule that matches decides; `rel_path` is relative to `base`.
  IgnoreVerdict verdict(std::string_view rel_path, bool is_dir) const;
};

// The .gitignore files from a walk root down to the current folder.
class IgnoreStack {
 public:
  void push(const IgnoreRules* rules) { stack_.push_back(rules); }
  void pop() { stack_.pop_back(); }
  // `rel_path` is relative to the walk root. The deepest file with a matching rule decides.
  bool ignored(std::string_view rel_path, bool is_dir) const;

 private:
  std::vector<const IgnoreRules*> stack_;
};

}  // namespace moonring::workspace
