// The .luarc.json reader on nlohmann_json; parse errors become values with file:line:column.
#include "lang/lua/config/luarc.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "lang/lua/config/codes.hpp"
#include "lang/lua/config/error.hpp"
#include "lang/lua/config/jsonc.hpp"

namespace moonring::lua::config {
namespace {

using json = nlohmann::json;

// Finds a dotted setting in any mix of flat and nested keys: for "diagnostics.severity" it tries
// "diagnostics.severity", then "diagnostics" -> "severity", with and without LuaLS's "Lua." prefix.
const json* find_in(const json& node, std::string_view dotted) {
  if (!node.is_object()) return nullptr;
  std::size_t from = 0;
  while (true) {
    std::size_t dot = dotted.find('.', from);
    std::string head(dotted.substr(0, dot));
    auto it = node.find(head);
    if (it != node.end()) {
      if (dot == std::string_view::npos) return &*it;
      if (const json* found = find_in(*it, dotted.substr(dot + 1))) return found;
    }
    if (dot == std::string_view::npos) return nullptr;
    from = dot + 1;
  }
}

const json* find(const json& root, std::string_view dotted) {
  if (const json* found = find_in(root, std::string("Lua.") + std::string(dotted))) return found;
  return find_in(root, dotted);
}

std::string type_name(const json& v) {
  return v.type_name();
}

Error wrong_type(const std::string& path, std::string_view key, std::string_view expected,
                 const json& got) {
  return config_error(ConfigErrc::wrong_type, path + ": " + std::string(key) + ": expected " +
                                                  std::string(expected) + ", got " +
                                                  type_name(got));
}

// An array of strings, or an error naming the key.
Result<std::vector<std::string>> strings(const std::string& path, std::string_view key,
                                         const json& v) {
  if (!v.is_array()) return wrong_type(path, key, "an array of strings", v);
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string()) return wrong_type(path, key, "an array of strings", item);
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A library path as LuaLS takes it: "~/x" from $HOME, relative to the workspace otherwise.
std::optional<std::string> library_path(const std::string& entry, const std::string& base_dir) {
  if (entry.empty() || entry.find('$') != std::string::npos) return std::nullopt;
  if (entry[0] == '/') return entry;
  if (entry[0] == '~' && (entry.size() == 1 || entry[1] == '/')) {
    const char* home = std::getenv("HOME");
    if (home == nullptr) return std::nullopt;
    return std::string(home) + entry.substr(1);
  }
  std::string rel = entry.starts_with("./") ? entry.substr(2) : entry;
  return base_dir.empty() ? rel : base_dir + "/" + rel;
}

}  // namespace

Result<Settings> read_luarc(std::string_view text, const std::string& path,
                            const std::string& base_dir) {
  std::string plain = strip_trailing_commas(text);
  json root;
  try {
    root = json::parse(plain, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    LineCol at = line_col(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    auto colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return config_error(ConfigErrc::invalid_json, path + ":" + std::to_string(at.line) + ":" +
                                                      std::to_string(at.column) + ": " + detail);
  }
  if (!root.is_object()) return wrong_type(path, "(top level)", "an object", root);

  Settings s;
  if (const json* v = find(root, "runtime.version")) {
    if (!v->is_string()) return wrong_type(path, "runtime.version", "a string", *v);
    auto version = parse_lua_version(v->get<std::string>());
    if (version) {
      s.version = version;
    } else {
      s.notes.push_back(path + ": runtime.version \"" + v->get<std::string>() +
                        "\" is not a version moonring reads; ignored");
    }
  }
  if (const json* v = find(root, "diagnostics.globals")) {
    auto names = strings(path, "diagnostics.globals", *v);
    if (!names) return names.take_error();
    // LuaLS lets a listed global be assigned as well as read.
    s.globals = std::move(*names);
  }
  if (const json* v = find(root, "diagnostics.disable")) {
    auto codes = strings(path, "diagnostics.disable", *v);
    if (!codes) return codes.take_error();
    for (const std::string& code : *codes) {
      auto ours = codes_for_luals(code);
      if (ours.empty()) {
        s.notes.push_back(path + ": diagnostics.disable: \"" + code +
                          "\" has no moonring counterpart; ignored");
      }
      for (std::string_view c : ours) s.disabled.insert(std::string(c));
    }
  }
  if (const json* v = find(root, "diagnostics.severity")) {
    if (!v->is_object()) return wrong_type(path, "diagnostics.severity", "an object", *v);
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (!it.value().is_string()) {
        return wrong_type(path, "diagnostics.severity." + it.key(), "a string", it.value());
      }
      auto severity = parse_severity(it.value().get<std::string>());
      if (!severity) {
        s.notes.push_back(path + ": diagnostics.severity." + it.key() + ": \"" +
                          it.value().get<std::string>() + "\" is not a severity; ignored");
        continue;
      }
      for (std::string_view c : codes_for_luals(it.key())) s.severity[std::string(c)] = *severity;
    }
  }
  if (const json* v = find(root, "workspace.ignoreDir")) {
    auto dirs = strings(path, "workspace.ignoreDir", *v);
    if (!dirs) return dirs.take_error();
    s.exclude = std::move(*dirs);  // already in the .gitignore dialect
  }
  if (const json* v = find(root, "workspace.library")) {
    std::vector<std::string> entries;
    if (v->is_object()) {  // the older form: {"path": true}
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (it.value().is_boolean() && it.value().get<bool>()) entries.push_back(it.key());
      }
    } else {
      auto list = strings(path, "workspace.library", *v);
      if (!list) return list.take_error();
      entries = std::move(*list);
    }
    for (const std::string& entry : entries) {
      if (auto p = library_path(entry, base_dir)) {
        s.library.push_back(*p);
      } else {
        s.notes.push_back(path + ": workspace.library: \"" + entry +
                          "\" uses a LuaLS variable moonring does not expand; ignored");
      }
    }
  }
  return s;
}

}  // namespace moonring::lua::config
