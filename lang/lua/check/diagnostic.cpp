// Names and default severities of the diagnostic codes.
#include "lang/lua/check/diagnostic.hpp"

namespace moonring::lua {

namespace {
constexpr std::array<std::string_view, kDiagnosticCodeCount> kNames = {
    "syntax-error",    "undefined-global", "unused-local",     "unused-arg",
    "unused-loop-var", "shadowing",        "unreachable-code", "assign-to-const",
    "goto-error",      "duplicate-key",    "redundant-value",
};
}  // namespace

std::string_view code_name(DiagnosticCode code) {
  return kNames[static_cast<std::size_t>(code)];
}

std::optional<DiagnosticCode> parse_code(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<DiagnosticCode>(i);
  return std::nullopt;
}

Severity default_severity(DiagnosticCode code) {
  switch (code) {
    case DiagnosticCode::SyntaxError:
    case DiagnosticCode::AssignToConst:
    case DiagnosticCode::GotoError:
      return Severity::Error;
    default:
      return Severity::Warning;
  }
}

DiagnosticPolicy::DiagnosticPolicy() {
  enabled.fill(true);
  for (std::size_t i = 0; i < kDiagnosticCodeCount; ++i)
    severity[i] = default_severity(static_cast<DiagnosticCode>(i));
}

}  // namespace moonring::lua
