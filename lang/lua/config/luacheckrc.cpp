// Turning luacheck's options into Settings: its std names into our stdlib tables, its warning
// codes into ours (codes.cpp), its global definitions into flat "name" / "name.field" lists.
#include "lang/lua/config/luacheckrc.hpp"

#include <array>

#include "lang/lua/config/codes.hpp"
#include "lang/lua/config/error.hpp"
#include "lang/lua/config/lua_pattern.hpp"

namespace moonring::lua::config {
namespace {

// Globals that luacheck's named sets add (busted's test API; a rockspec's fields).
constexpr std::array<std::string_view, 23> kBusted = {"describe",
                                                      "insulate",
                                                      "expose",
                                                      "it",
                                                      "pending",
                                                      "before_each",
                                                      "after_each",
                                                      "lazy_setup",
                                                      "lazy_teardown",
                                                      "strict_setup",
                                                      "strict_teardown",
                                                      "setup",
                                                      "teardown",
                                                      "context",
                                                      "spec",
                                                      "test",
                                                      "assert",
                                                      "spy",
                                                      "mock",
                                                      "stub",
                                                      "finally",
                                                      "randomize",
                                                      "match"};
constexpr std::array<std::string_view, 14> kRockspec = {"rockspec_format",
                                                        "package",
                                                        "version",
                                                        "description",
                                                        "dependencies",
                                                        "supported_platforms",
                                                        "external_dependencies",
                                                        "source",
                                                        "build",
                                                        "hooks",
                                                        "deploy",
                                                        "build_dependencies",
                                                        "test_dependencies",
                                                        "test"};

Error wrong_type(const std::string& path, std::string_view key, std::string_view expected,
                 const LuaValue& got) {
  return config_error(ConfigErrc::wrong_type, path + ": " + std::string(key) + ": expected " +
                                                  std::string(expected) + ", got " +
                                                  std::string(got.type_name()));
}

// A list of global definitions: strings ("foo"), and name = {fields = ..., read_only = bool}.
// Fields flatten to "foo.bar"; a definition with read_only = false goes to `writable`.
Result<void> add_definitions(const std::string& path, std::string_view key, const LuaValue& defs,
                             const std::string& prefix, std::vector<std::string>& into,
                             std::vector<std::string>& writable, int depth) {
  if (!defs.is_table()) return wrong_type(path, key, "a table", defs);
  if (depth > 16) return Result<void>();
  for (const LuaValue* item : defs.array()) {
    if (!item->is_string()) return wrong_type(path, key, "global names (strings)", *item);
    into.push_back(prefix + item->string);
  }
  for (const LuaEntry* e : defs.string_keyed()) {
    std::string name = prefix + e->key.string;
    std::vector<std::string>* target = &into;
    if (e->value.is_table()) {
      const LuaValue* ro = e->value.get("read_only");
      if (ro != nullptr && ro->is_boolean() && !ro->boolean) target = &writable;
      target->push_back(name);
      if (const LuaValue* fields = e->value.get("fields")) {
        auto r = add_definitions(path, key, *fields, name + ".", *target, writable, depth + 1);
        if (!r) return r;
      }
    } else if (e->value.is_boolean() || e->value.is_string()) {
      target->push_back(name);  // luacheck also takes name = true
    } else {
      return wrong_type(path, std::string(key) + "." + e->key.string, "a table", e->value);
    }
  }
  return Result<void>();
}

Result<std::vector<std::string>> strings(const std::string& path, std::string_view key,
                                         const LuaValue& v) {
  if (v.is_string()) return std::vector<std::string>{v.string};
  if (!v.is_table()) return wrong_type(path, key, "a table of strings", v);
  std::vector<std::string> out;
  for (const LuaValue* item : v.array()) {
    if (item->is_string()) {
      out.push_back(item->string);
    } else if (item->type == LuaValue::Type::Number) {
      out.push_back(std::to_string(static_cast<long long>(item->number)));  // ignore = {212}
    } else {
      return wrong_type(path, key, "a table of strings", *item);
    }
  }
  return out;
}

void add_names(std::vector<std::string>& to, std::span<const std::string_view> names) {
  for (std::string_view n : names) to.emplace_back(n);
}

}  // namespace

void apply_luacheck_std(std::string_view std, const LuaValue* custom_stds, Settings& settings) {
  bool additive = std.starts_with('+');
  StdSet set;
  bool versions_named = false;
  std::size_t from = 0;
  while (from <= std.size()) {
    std::size_t plus = std.find('+', from);
    std::string name(std.substr(from, plus == std::string_view::npos ? plus : plus - from));
    from = plus == std::string_view::npos ? std.size() + 1 : plus + 1;
    if (name.empty()) continue;
    using V = LuaVersion;
    using C = stdlib::Compat;
    auto version = [&](V v, C c) {
      set.versions.push_back({v, c});
      versions_named = true;
    };
    if (name == "lua51")
      version(V::Lua51, C::Exclude);
    else if (name == "lua51c")
      version(V::Lua51, C::Include);
    else if (name == "lua52")
      version(V::Lua52, C::Exclude);
    else if (name == "lua52c")
      version(V::Lua52, C::Include);
    else if (name == "lua53")
      version(V::Lua53, C::Exclude);
    else if (name == "lua53c")
      version(V::Lua53, C::Include);
    else if (name == "lua54")
      version(V::Lua54, C::Exclude);
    else if (name == "lua54c")
      version(V::Lua54, C::Include);
    else if (name == "luajit")
      version(V::LuaJIT, C::Include);
    else if (name == "ngx_lua") {
      version(V::LuaJIT, C::Include);
      settings.notes.push_back("std ngx_lua: OpenResty's ngx globals are not known; LuaJIT's are");
    } else if (name == "max" || name == "_G") {
      for (V v : stdlib::kAllVersions) set.versions.push_back({v, C::Include});
      versions_named = true;
    } else if (name == "min") {
      set.min = true;
      versions_named = true;
    } else if (name == "none") {
      versions_named = true;
    } else if (name == "busted") {
      add_names(settings.read_globals, kBusted);
    } else if (name == "rockspec") {
      add_names(settings.globals, kRockspec);
    } else if (const LuaValue* custom = custom_stds ? custom_stds->get(name) : nullptr;
               custom != nullptr && custom->is_table()) {
      std::string ignored_path;
      if (const LuaValue* g = custom->get("globals")) {
        (void)add_definitions(ignored_path, "stds", *g, "", settings.globals, settings.globals, 0);
      }
      if (const LuaValue* r = custom->get("read_globals")) {
        (void)add_definitions(ignored_path, "stds", *r, "", settings.read_globals, settings.globals,
                              0);
      }
    } else {
      settings.notes.push_back("std \"" + name + "\" is not known to moonring; ignored");
    }
  }
  if (additive) return;
  // Without a version named ("busted" alone) luacheck's std holds only those extra names.
  settings.std = set;
  // One version named: that is the dialect too, unless .luarc.json or the command line say.
  if (versions_named && !set.min && set.versions.size() == 1) {
    settings.version = set.versions[0].version;
  }
}

Result<Settings> luacheck_options(const LuaValue& options, const std::string& path) {
  Settings s;
  if (!options.is_table()) return wrong_type(path, "options", "a table", options);
  const LuaValue* stds = options.get("stds");
  if (stds != nullptr && !stds->is_table()) return wrong_type(path, "stds", "a table", *stds);

  if (const LuaValue* std = options.get("std")) {
    if (std->is_string()) {
      std::size_t before = s.notes.size();
      apply_luacheck_std(std->string, stds, s);
      for (std::size_t i = before; i < s.notes.size(); ++i) s.notes[i] = path + ": " + s.notes[i];
    } else if (std->is_table()) {  // a std defined in place
      s.std = StdSet{};
      if (const LuaValue* g = std->get("globals")) {
        auto r = add_definitions(path, "std.globals", *g, "", s.globals, s.globals, 0);
        if (!r) return r.take_error();
      }
      if (const LuaValue* g = std->get("read_globals")) {
        auto r = add_definitions(path, "std.read_globals", *g, "", s.read_globals, s.globals, 0);
        if (!r) return r.take_error();
      }
    } else {
      return wrong_type(path, "std", "a string or a table", *std);
    }
  }
  for (const char* key : {"globals", "new_globals"}) {
    if (const LuaValue* v = options.get(key)) {
      auto r = add_definitions(path, key, *v, "", s.globals, s.globals, 0);
      if (!r) return r.take_error();
    }
  }
  for (const char* key : {"read_globals", "new_read_globals"}) {
    if (const LuaValue* v = options.get(key)) {
      auto r = add_definitions(path, key, *v, "", s.read_globals, s.globals, 0);
      if (!r) return r.take_error();
    }
  }
  if (const LuaValue* v = options.get("not_globals")) {
    if (!v->array().empty()) s.notes.push_back(path + ": not_globals is not supported; ignored");
  }
  if (const LuaValue* v = options.get("ignore")) {
    auto patterns = strings(path, "ignore", *v);
    if (!patterns) return patterns.take_error();
    for (const std::string& p : *patterns) s.ignore.push_back(luacheck_ignore_rule(p));
  }
  if (const LuaValue* v = options.get("enable")) {
    auto patterns = strings(path, "enable", *v);
    if (!patterns) return patterns.take_error();
    for (const std::string& p : *patterns) {
      IgnoreRule r = luacheck_ignore_rule(p);
      if (r.name_pattern.empty()) s.enabled.insert(r.codes.begin(), r.codes.end());
    }
  }
  if (options.get("only") != nullptr) s.notes.push_back(path + ": only is not supported; ignored");
  // The switches that turn a family of warnings off.
  struct Switch {
    const char* key;
    std::array<const char*, 3> codes;
  };
  for (const Switch& sw :
       {Switch{"global", {"undefined-global"}},
        Switch{"unused", {"unused-local", "unused-arg", "unused-loop-var"}},
        Switch{"unused_args", {"unused-arg"}}, Switch{"redefined", {"shadowing"}}}) {
    const LuaValue* v = options.get(sw.key);
    if (v == nullptr) continue;
    if (!v->is_boolean()) return wrong_type(path, sw.key, "a boolean", *v);
    if (v->boolean) continue;
    for (const char* code : sw.codes) {
      if (code != nullptr) s.disabled.insert(code);
    }
  }
  if (const LuaValue* v = options.get("exclude_files")) {
    auto globs = strings(path, "exclude_files", *v);
    if (!globs) return globs.take_error();
    for (std::string& g : *globs) s.exclude.push_back(g.starts_with("./") ? g.substr(2) : g);
  }
  if (const LuaValue* v = options.get("files")) {
    if (!v->is_table()) return wrong_type(path, "files", "a table", *v);
    for (const LuaEntry* e : v->string_keyed()) {
      auto sub = luacheck_options(e->value, path + ": files[\"" + e->key.string + "\"]");
      if (!sub) return sub.take_error();
      // luacheck's per-file std is about names; the dialect stays the project's.
      sub->version.reset();
      s.files.emplace_back(e->key.string, std::move(*sub));
    }
  }
  return s;
}

Result<Settings> read_luacheckrc(std::string_view text, const std::string& path,
                                 const SandboxLimits& limits) {
  auto options = run_sandboxed(text, path, limits);
  if (!options) return options.take_error();
  return luacheck_options(*options, path);
}

}  // namespace moonring::lua::config
