// Ignore rules and their stack (see ignore.hpp).
#include "workspace/discover/ignore.hpp"

namespace moonring::workspace {

IgnoreRules IgnoreRules::parse(std::string base, std::string_view text) {
  IgnoreRules out;
  out.base = std::move(base);
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    GlobRule rule;
    if (parse_glob_rule(line, rule)) out.rules.push_back(std::move(rule));
  }
  return out;
}

IgnoreRules IgnoreRules::from_globs(const std::vector<std::string>& globs) {
  IgnoreRules out;
  for (const auto& g : globs) {
    GlobRule rule;
    if (parse_glob_rule(g, rule)) out.rules.push_back(std::move(rule));
  }
  return out;
}

IgnoreVerdict IgnoreRules::verdict(std::string_view rel_path, bool is_dir) const {
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    if (it->matches(rel_path, is_dir))
      return it->negated ? IgnoreVerdict::included : IgnoreVerdict::ignored;
  return IgnoreVerdict::none;
}

bool IgnoreStack::ignored(std::string_view rel_path, bool is_dir) const {
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
    const IgnoreRules& r = **it;
    std::string_view local = rel_path;
    if (!r.base.empty()) {
      // The walk only pushes a folder's file while inside it, so the prefix is always there.
      if (local.size() <= r.base.size() || local.substr(0, r.base.size()) != r.base) continue;
      local.remove_prefix(r.base.size() + 1);
    }
    IgnoreVerdict v = r.verdict(local, is_dir);
    if (v != IgnoreVerdict::none) return v == IgnoreVerdict::ignored;
  }
  return false;
}

}  // namespace moonring::workspace
