// The workspace's configuration across folders: see workspace_config.hpp.
#include "lang/lua/services/workspace_config.hpp"

#include <algorithm>
#include <set>

#include "lang/lua/config/load.hpp"
#include "lang/lua/config/luacheckrc.hpp"
#include "lang/lua/config/luarc.hpp"

namespace moonring::lua {

config::Settings under_file(config::Settings client, const config::Settings& luarc) {
  if (luarc.version) client.version.reset();
  if (luarc.std) client.std.reset();
  for (const auto& [code, _] : luarc.severity) client.severity.erase(code);
  // A code the file disables stays disabled whatever the client enables, and the reverse.
  for (const std::string& code : luarc.disabled) client.enabled.erase(code);
  for (const std::string& code : luarc.enabled) client.disabled.erase(code);
  return client;
}

WorkspaceConfig load_workspace_config(const std::vector<std::string>& roots,
                                      config::Settings client) {
  WorkspaceConfig out;
  std::set<std::string> read;  // a .luacheckrc above several folders counts once
  const auto layer = [&](const std::string& path, auto parse) -> std::optional<config::Settings> {
    if (!read.insert(path).second) return std::nullopt;
    auto text = config::read_text_file(path);
    if (!text) {
      out.errors.push_back("configuration not applied: " + text.error().message());
      return std::nullopt;
    }
    auto settings = parse(*text);
    if (!settings) {
      out.errors.push_back("configuration not applied: " + settings.error().message());
      return std::nullopt;
    }
    return std::move(*settings);
  };
  const std::vector<std::string> folders = roots.empty() ? std::vector<std::string>{"."} : roots;
  for (const std::string& root : folders) {
    const config::ConfigFiles files = config::find_config_files(root);
    if (files.luacheckrc) {
      const std::string& path = *files.luacheckrc;
      if (auto s =
              layer(path, [&](std::string_view t) { return config::read_luacheckrc(t, path); }))
        config::apply(out.layers, *s, path);
    }
    if (files.luarc) {
      const std::string& path = *files.luarc;
      if (auto s =
              layer(path, [&](std::string_view t) { return config::read_luarc(t, path, root); })) {
        config::apply(out.layers, *s, path);
        client = under_file(std::move(client), *s);
      }
    }
  }
  out.top = std::move(client);
  return out;
}

}  // namespace moonring::lua
