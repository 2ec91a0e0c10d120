// The check options of a configuration, per file (see check_settings.hpp).
#include "app/check/check_settings.hpp"

#include <unistd.h>

#include <climits>

namespace moonring::app {
namespace {

// The diagnostic policy a configuration asks for: codes switched off, severities changed, and
// luacheck `ignore` entries that name no variable (those that do are applied per diagnostic).
lua::DiagnosticPolicy policy_for(const lua::config::Config& config) {
  lua::DiagnosticPolicy policy;
  for (std::size_t i = 0; i < lua::kDiagnosticCodeCount; ++i) {
    const auto code = static_cast<lua::DiagnosticCode>(i);
    const std::string_view name = lua::code_name(code);
    if (config.is_disabled(name) || config.ignores_whole(name)) policy.disable(code);
    if (auto severity = config.severity_of(name)) policy.set_severity(code, *severity);
  }
  return policy;
}

}  // namespace

CheckSettings::CheckSettings(lua::config::Config layers, lua::config::Settings command_line)
    : layers_(std::move(layers)), command_line_(std::move(command_line)) {
  lua::config::Config top = layers_;
  lua::config::apply(top, command_line_, "command line");
  base_ = make(std::move(top));
  if (!layers_.files.empty()) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) != nullptr) cwd_ = std::string(cwd) + "/";
    base_->options.for_file = [this](std::string_view path) -> const lua::WorkspaceCheckOptions& {
      return for_path(path);
    };
  }
}

std::unique_ptr<CheckSettings::Entry> CheckSettings::make(lua::config::Config config) {
  auto entry = std::make_unique<Entry>();
  entry->config = std::move(config);
  entry->known = entry->config.known_globals();
  lua::WorkspaceCheckOptions& options = entry->options;
  const Entry* e = entry.get();
  options.version = e->config.version;
  options.policy = policy_for(e->config);
  if (!e->config.ignore.empty()) {
    options.is_ignored = [e](lua::DiagnosticCode code, std::string_view name,
                             std::string_view luacheck_code) {
      return e->config.is_ignored(lua::code_name(code), name, luacheck_code);
    };
  }
  options.is_known_global = [e](std::string_view name) { return e->known.contains(name); };
  return entry;
}

const lua::WorkspaceCheckOptions& CheckSettings::for_path(std::string_view path) {
  // luacheck matches files["glob"] against paths relative to where it runs.
  if (path.starts_with("./")) path.remove_prefix(2);
  if (!cwd_.empty() && path.starts_with(cwd_)) path.remove_prefix(cwd_.size());
  std::vector<std::size_t> overrides = lua::config::overrides_for(layers_, path);
  if (overrides.empty()) return base_->options;
  std::lock_guard lock(mutex_);
  std::unique_ptr<Entry>& entry = by_overrides_[overrides];
  if (!entry) {
    lua::config::Config config = layers_;
    config.files.clear();
    for (std::size_t i : overrides) {
      const auto& [glob, settings] = layers_.files[i];
      lua::config::apply(config, settings, "files[\"" + glob + "\"]");
    }
    lua::config::apply(config, command_line_, "command line");
    entry = make(std::move(config));
  }
  return entry->options;
}

}  // namespace moonring::app
