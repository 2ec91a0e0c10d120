// moonring's Lua configuration: one layer per source (.luacheckrc, .luarc.json, command line) and
// the merged result the checker reads. Plain data: knows nothing of LSP, JSON or the Lua VM.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lang/lua/stdlib/stdlib.hpp"
#include "lang/lua/syntax/severity.hpp"
#include "lang/lua/syntax/version.hpp"

namespace moonring::lua::config {

std::optional<Severity> parse_severity(std::string_view text);  // "Error", "warning!", "Hint"

// Which standard globals are known, as luacheck's `std` says it: a union of version tables
// ("lua51+lua53", "max"), or `min` (only the names every version has), or nothing ("none").
struct StdSet {
  struct Part {
    LuaVersion version;
    stdlib::Compat compat;
    bool operator==(const Part&) const = default;
  };
  std::vector<Part> versions;
  bool min = false;  // the names every version documents
  bool operator==(const StdSet&) const = default;

  bool contains(std::string_view global) const;
};

// A luacheck `ignore` entry: "212", "21/_.*", "self", "^t" (a code and a name pattern, Lua
// patterns that luacheck anchors where the user did not: "^212", "^self$"), with the moonring
// codes its code pattern covers.
struct IgnoreRule {
  std::string code_pattern;        // luacheck's code pattern, anchored ("" = every code)
  std::string name_pattern;        // anchored as luacheck does ("" = every name)
  std::vector<std::string> codes;  // moonring codes covered, in part or whole ("": all of them)
  std::vector<std::string> whole;  // moonring codes covered whole: every luacheck code of theirs
  bool operator==(const IgnoreRule&) const = default;
  // Whether a diagnostic with moonring code `code` about the variable `name` ("" when it names
  // none) is ignored by this rule. `luacheck_code` is luacheck's own code for that diagnostic
  // where ours covers several ("231" for an unused-local only assigned, "421"): the code pattern
  // is matched against it; "" falls back to `codes`.
  bool matches(std::string_view code, std::string_view name,
               std::string_view luacheck_code = {}) const;
};

// luacheck's ignore pattern: "code/name"; a pattern with a letter or '_' is a name, otherwise a
// code ("212", "21", "212/self", "_.*").
IgnoreRule luacheck_ignore_rule(std::string_view pattern);

// One source's settings. Unset optionals and empty lists leave lower layers alone.
struct Settings {
  std::optional<LuaVersion> version;
  std::optional<StdSet> std;
  std::vector<std::string> globals;       // defined, may be assigned ("foo", and "foo.bar" fields)
  std::vector<std::string> read_globals;  // defined, read-only
  std::set<std::string> disabled;         // moonring codes switched off
  std::set<std::string> enabled;          // moonring codes switched back on (command line)
  std::map<std::string, Severity> severity;  // moonring code -> severity
  std::vector<IgnoreRule> ignore;
  std::vector<std::string> exclude;  // globs in the .gitignore dialect (relative to the root)
  std::vector<std::string> library;  // extra library folders or files (absolute paths)
  // luacheck's files["glob"] = {...}: settings for the files a glob matches, applied on top.
  std::vector<std::pair<std::string, Settings>> files;
  // Things read but not understood ("std 'love' is not known"): worth a line, not an error.
  std::vector<std::string> notes;
};

// Every global name a configuration knows (standard, configured, read-only or not) in one hash
// set: what a checker asks once per global read, answered with one lookup.
class KnownGlobals {
 public:
  bool contains(std::string_view name) const { return names_.count(name) != 0; }
  std::size_t size() const { return names_.size(); }

 private:
  friend struct Config;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
};

// The merged configuration. Merge order, lowest first: defaults < .luacheckrc < .luarc.json <
// command line. Scalars (version, std): the highest layer that sets one wins. Lists (globals,
// read_globals, ignore, exclude, library, files): the union, lower layers first. Codes: a layer's
// `enabled` removes codes disabled below it and its `disabled` adds to them. Severities: per
// code, the highest layer wins.
struct Config {
  LuaVersion version = LuaVersion::Lua54;
  // Absent: the standard library of `version`, compatibility names included.
  std::optional<StdSet> std;
  std::vector<std::string> globals;
  std::vector<std::string> read_globals;
  std::set<std::string> disabled;
  std::map<std::string, Severity> severity;
  std::vector<IgnoreRule> ignore;
  std::vector<std::string> exclude;
  std::vector<std::string> library;
  std::vector<std::pair<std::string, Settings>> files;
  std::vector<std::string> notes;
  std::vector<std::string> sources;  // the files read, lowest layer first

  StdSet effective_std() const;
  enum class GlobalKind : std::uint8_t { Unknown, ReadOnly, Writable };
  // What the configuration says of a global name: standard (read-only for the checker's purpose
  // of undefined-global, writable for _G-style tables), configured, or unknown.
  GlobalKind global(std::string_view name) const;
  bool is_disabled(std::string_view code) const { return disabled.count(std::string(code)) != 0; }
  // global(name) != Unknown for every name, precomputed (build once per configuration).
  KnownGlobals known_globals() const;
  // The configured severity of a code, if any.
  std::optional<Severity> severity_of(std::string_view code) const;
  // Whether an ignore rule silences `code` (a moonring code) for `name` (may be empty); see
  // IgnoreRule::matches for `luacheck_code`.
  bool is_ignored(std::string_view code, std::string_view name,
                  std::string_view luacheck_code = {}) const;
  // Whether a rule that names no variable covers every luacheck code of `code`: then the code
  // can be switched off as a whole ("ignore = {'4'}"), not diagnostic by diagnostic ("431").
  bool ignores_whole(std::string_view code) const;
};

// Applies `layer` on top of `config`; `origin` (a path, "command line") goes into `sources`.
void apply(Config& config, const Settings& layer, std::string origin);

// The settings of `path` (relative to the root, '/'-separated): the top-level configuration with
// every matching files["glob"] override applied in order.
Config for_file(const Config& config, std::string_view relative_path);
// The indexes in config.files of the overrides that apply to `relative_path`, in order.
std::vector<std::size_t> overrides_for(const Config& config, std::string_view relative_path);

}  // namespace moonring::lua::config
