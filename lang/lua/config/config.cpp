// Merging configuration layers and answering the checker's questions about the result.
#include "lang/lua/config/config.hpp"

#include <algorithm>
#include <cctype>

#include "lang/lua/config/codes.hpp"
#include "lang/lua/config/lua_pattern.hpp"
#include "workspace/discover/glob.hpp"

namespace moonring::lua::config {

std::optional<Severity> parse_severity(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c == '!') continue;  // LuaLS's "Error!": forced even where a group says otherwise
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (s == "error") return Severity::Error;
  if (s == "warning") return Severity::Warning;
  if (s == "information" || s == "info") return Severity::Information;
  if (s == "hint") return Severity::Hint;
  return std::nullopt;
}

bool StdSet::contains(std::string_view global) const {
  if (min) {
    bool everywhere = true;
    for (LuaVersion v : stdlib::kAllVersions) {
      everywhere = everywhere && stdlib::is_global(v, global, stdlib::Compat::Exclude);
    }
    if (everywhere) return true;
  }
  for (const Part& part : versions) {
    if (stdlib::is_global(part.version, global, part.compat)) return true;
  }
  return false;
}

StdSet Config::effective_std() const {
  if (std) return *std;
  return StdSet{{{version, stdlib::Compat::Include}}, false};
}

namespace {

// "foo" is defined by an entry "foo" or by a field entry "foo.bar".
bool lists(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n.size() >= name.size() && std::string_view(n).substr(0, name.size()) == name &&
        (n.size() == name.size() || n[name.size()] == '.')) {
      return true;
    }
  }
  return false;
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

Config::GlobalKind Config::global(std::string_view name) const {
  if (lists(globals, name)) return GlobalKind::Writable;
  if (lists(read_globals, name)) return GlobalKind::ReadOnly;
  if (effective_std().contains(name)) {
    // _G and the tables the standard library lets programs fill are assignable in place, but
    // assigning the name itself still redefines a standard global: read-only.
    return GlobalKind::ReadOnly;
  }
  return GlobalKind::Unknown;
}

KnownGlobals Config::known_globals() const {
  KnownGlobals known;
  auto add_listed = [&](const std::vector<std::string>& names) {
    for (const std::string& n : names) known.names_.insert(n.substr(0, n.find('.')));
  };
  add_listed(globals);
  add_listed(read_globals);
  StdSet set = effective_std();
  for (LuaVersion v : stdlib::kAllVersions) {
    for (const stdlib::Member& m : stdlib::globals(v)) {
      if (set.contains(m.name)) known.names_.insert(std::string(m.name));
    }
  }
  return known;
}

std::optional<Severity> Config::severity_of(std::string_view code) const {
  auto it = severity.find(std::string(code));
  if (it == severity.end()) return std::nullopt;
  return it->second;
}

bool IgnoreRule::matches(std::string_view code, std::string_view name,
                         std::string_view luacheck_code) const {
  const bool code_ok =
      code_pattern.empty() ||
      (luacheck_code.empty() ? std::find(codes.begin(), codes.end(), code) != codes.end()
                             : lua_pattern_find(code_pattern, luacheck_code));
  if (!code_ok) return false;
  return name_pattern.empty() || (!name.empty() && lua_pattern_find(name_pattern, name));
}

namespace {

bool has_name_char(std::string_view s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  }
  return false;
}

}  // namespace

IgnoreRule luacheck_ignore_rule(std::string_view pattern) {
  IgnoreRule rule;
  auto slash = pattern.find('/');
  if (slash != std::string_view::npos) {
    rule.code_pattern = std::string(pattern.substr(0, slash));
    rule.name_pattern = std::string(pattern.substr(slash + 1));
  } else if (has_name_char(pattern)) {
    rule.name_pattern = std::string(pattern);
  } else {
    rule.code_pattern = std::string(pattern);
  }
  // luacheck anchors what the user did not: a code at its start, a name at both ends.
  auto anchor = [](std::string& p, bool both) {
    if (p.empty() || p.starts_with('^') || p.ends_with('$')) return;
    p = "^" + p + (both ? "$" : "");
  };
  anchor(rule.code_pattern, false);
  anchor(rule.name_pattern, true);
  for (std::string_view code : moonring_codes()) {
    if (rule.code_pattern.empty()) {
      rule.codes.emplace_back(code);
      rule.whole.emplace_back(code);
      continue;
    }
    const auto luacheck = luacheck_codes_for(code);
    const auto matched = std::count_if(luacheck.begin(), luacheck.end(), [&](std::string_view lc) {
      return lua_pattern_find(rule.code_pattern, lc);
    });
    if (matched > 0) rule.codes.emplace_back(code);
    if (matched > 0 && static_cast<std::size_t>(matched) == luacheck.size())
      rule.whole.emplace_back(code);
  }
  return rule;
}

bool Config::is_ignored(std::string_view code, std::string_view name,
                        std::string_view luacheck_code) const {
  return std::any_of(ignore.begin(), ignore.end(), [&](const IgnoreRule& rule) {
    return rule.matches(code, name, luacheck_code);
  });
}

bool Config::ignores_whole(std::string_view code) const {
  return std::any_of(ignore.begin(), ignore.end(), [&](const IgnoreRule& rule) {
    return rule.name_pattern.empty() &&
           std::find(rule.whole.begin(), rule.whole.end(), code) != rule.whole.end();
  });
}

void apply(Config& config, const Settings& layer, std::string origin) {
  if (layer.version) config.version = *layer.version;
  if (layer.std) config.std = *layer.std;
  append(config.globals, layer.globals);
  append(config.read_globals, layer.read_globals);
  for (const std::string& code : layer.enabled) config.disabled.erase(code);
  config.disabled.insert(layer.disabled.begin(), layer.disabled.end());
  for (const auto& [code, severity] : layer.severity) config.severity[code] = severity;
  append(config.ignore, layer.ignore);
  append(config.exclude, layer.exclude);
  append(config.library, layer.library);
  append(config.files, layer.files);
  append(config.notes, layer.notes);
  config.sources.push_back(std::move(origin));
}

std::vector<std::size_t> overrides_for(const Config& config, std::string_view relative_path) {
  std::vector<std::size_t> matching;
  for (std::size_t i = 0; i < config.files.size(); ++i) {
    const std::string& glob = config.files[i].first;
    std::string pattern = glob.starts_with("./") ? glob.substr(2) : glob;
    while (!pattern.empty() && pattern.back() == '/') pattern.pop_back();
    // luacheck applies files["spec"] to everything under spec/ as well.
    if (workspace::glob_match(pattern, relative_path) ||
        workspace::glob_match(pattern + "/**", relative_path)) {
      matching.push_back(i);
    }
  }
  return matching;
}

Config for_file(const Config& config, std::string_view relative_path) {
  Config out = config;
  out.files.clear();
  for (std::size_t i : overrides_for(config, relative_path)) {
    const auto& [glob, settings] = config.files[i];
    apply(out, settings, "files[\"" + glob + "\"]");
  }
  return out;
}

}  // namespace moonring::lua::config
