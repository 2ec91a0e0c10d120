// A diagnostic of the Lua checker: a stable code, a severity, a precise range and a message.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lang/lua/syntax/severity.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua {

// The codes are part of moonring's interface (configuration and output name them): never rename.
enum class DiagnosticCode : std::uint8_t {
  SyntaxError,      // syntax-error
  UndefinedGlobal,  // undefined-global
  UnusedLocal,      // unused-local
  UnusedArg,        // unused-arg
  UnusedLoopVar,    // unused-loop-var
  Shadowing,        // shadowing
  UnreachableCode,  // unreachable-code
  AssignToConst,    // assign-to-const
  GotoError,        // goto-error
  DuplicateKey,     // duplicate-key
  RedundantValue,   // redundant-value
};
inline constexpr std::size_t kDiagnosticCodeCount = 11;

std::string_view code_name(DiagnosticCode code);
std::optional<DiagnosticCode> parse_code(std::string_view name);
// Error for what the compiler rejects (syntax, const, goto); warning for the rest.
Severity default_severity(DiagnosticCode code);

struct Diagnostic {
  DiagnosticCode code = DiagnosticCode::SyntaxError;
  Severity severity = Severity::Warning;
  Range range;    // byte offsets, half-open
  LineCol start;  // 1-based line, 1-based byte column
  LineCol end;
  std::string message;
  // The other place the message names (the shadowed declaration, the first of equal keys).
  struct Related {
    Range range;
    LineCol start;
    LineCol end;
    std::string message;
  };
  std::optional<Related> related;
};

// Which codes are reported and how severe each is (configuration fills this in).
struct DiagnosticPolicy {
  std::array<bool, kDiagnosticCodeCount> enabled;
  std::array<Severity, kDiagnosticCodeCount> severity;

  DiagnosticPolicy();
  bool is_enabled(DiagnosticCode c) const { return enabled[static_cast<std::size_t>(c)]; }
  Severity severity_of(DiagnosticCode c) const { return severity[static_cast<std::size_t>(c)]; }
  void disable(DiagnosticCode c) { enabled[static_cast<std::size_t>(c)] = false; }
  void set_severity(DiagnosticCode c, Severity s) { severity[static_cast<std::size_t>(c)] = s; }
};

}  // namespace moonring::lua
