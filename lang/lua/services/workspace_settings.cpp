// The check options of a configuration, per file (see workspace_settings.hpp).
#include "lang/lua/services/workspace_settings.hpp"

#include <unistd.h>

#include <climits>

namespace moonring::lua {
namespace {

// The diagnostic policy a configuration asks for: codes switched off, severities changed, and
// luacheck `ignore` entries that name no variable (those that do are applied per diagnostic).
DiagnosticPolicy policy_for(const config::Config& config) {
  DiagnosticPolicy policy;
  for (std::size_t i = 0; i < kDiagnosticCodeCount; ++i) {
    const auto code = static_cast<DiagnosticCode>(i);
    const std::string_view name = code_name(code);
    if (config.is_disabled(name) || config.ignores_whole(name)) policy.disable(code);
    if (auto severity = config.severity_of(name)) policy.set_severity(code, *severity);
  }
  return policy;
}

}  // namespace

WorkspaceSettings::WorkspaceSettings(config::Config layers, config::Settings top, std::string root)
    : layers_(std::move(layers)), top_(std::move(top)), root_(std::move(root)) {
  config::Config merged = layers_;
  config::apply(merged, top_, "command line");
  base_ = make(std::move(merged));
  if (!layers_.files.empty()) {
    if (root_.empty()) {
      char cwd[PATH_MAX];
      if (::getcwd(cwd, sizeof cwd) != nullptr) root_ = cwd;
    }
    if (!root_.empty() && root_.back() != '/') root_ += '/';
    base_->options.for_file = [this](std::string_view path) -> const WorkspaceCheckOptions& {
      return for_path(path);
    };
  }
}

std::unique_ptr<WorkspaceSettings::Entry> WorkspaceSettings::make(config::Config config) {
  auto entry = std::make_unique<Entry>();
  entry->config = std::move(config);
  entry->known = entry->config.known_globals();
  WorkspaceCheckOptions& options = entry->options;
  const Entry* e = entry.get();
  options.version = e->config.version;
  options.policy = policy_for(e->config);
  if (!e->config.ignore.empty()) {
    options.is_ignored = [e](DiagnosticCode code, std::string_view name,
                             std::string_view luacheck_code) {
      return e->config.is_ignored(code_name(code), name, luacheck_code);
    };
  }
  options.is_known_global = [e](std::string_view name) { return e->known.contains(name); };
  return entry;
}

const WorkspaceCheckOptions& WorkspaceSettings::for_path(std::string_view path) {
  // luacheck matches files["glob"] against paths relative to where it runs.
  if (path.starts_with("./")) path.remove_prefix(2);
  if (!root_.empty() && path.starts_with(root_)) path.remove_prefix(root_.size());
  std::vector<std::size_t> overrides = config::overrides_for(layers_, path);
  if (overrides.empty()) return base_->options;
  std::lock_guard lock(mutex_);
  std::unique_ptr<Entry>& entry = by_overrides_[overrides];
  if (!entry) {
    config::Config merged = layers_;
    merged.files.clear();
    for (std::size_t i : overrides) {
      const auto& [glob, settings] = layers_.files[i];
      config::apply(merged, settings, "files[\"" + glob + "\"]");
    }
    config::apply(merged, top_, "command line");
    entry = make(std::move(merged));
  }
  return entry->options;
}

}  // namespace moonring::lua
