// Classifying unused and shadowing diagnostics as luacheck does (see luacheck_code.hpp); the
// rules mirror lang/lua/check/unused.cpp and shadowing.cpp, which decide what is reported.
#include "lang/lua/services/luacheck_code.hpp"

#include <array>

namespace moonring::lua {
namespace {

// The last digit luacheck gives a variable's kind: 1 a local (or local function), 2 an argument
// (self too), 3 a loop variable.
std::size_t kind_digit(LocalKind kind) {
  switch (kind) {
    case LocalKind::Param:
    case LocalKind::Self:
    case LocalKind::Implicit:
      return 2;
    case LocalKind::LoopVar:
      return 3;
    case LocalKind::Local:
    case LocalKind::LocalFunction:
      return 1;
  }
  return 1;
}

constexpr std::array<std::string_view, 3> kUnused = {"211", "212", "213"};
constexpr std::array<std::string_view, 3> kNeverAccessed = {"231", "232", "233"};
// [same scope, same function, enclosing function][kind of the shadowed variable]
constexpr std::array<std::array<std::string_view, 3>, 3> kShadowing = {{
    {"411", "412", "413"},
    {"421", "422", "423"},
    {"431", "432", "433"},
}};

}  // namespace

std::string_view luacheck_code(const FileBinding& binding, const Diagnostic& d) {
  const bool unused = d.code == DiagnosticCode::UnusedLocal ||
                      d.code == DiagnosticCode::UnusedArg ||
                      d.code == DiagnosticCode::UnusedLoopVar;
  if (!unused && d.code != DiagnosticCode::Shadowing) return {};
  const LocalId id = binding.local_declared_at(d.range.start);
  if (id == kNoLocal) return {};
  const LocalInfo& local = binding.locals[id];
  if (unused) return (local.writes != 0 ? kNeverAccessed : kUnused)[kind_digit(local.kind) - 1];
  if (local.shadows == kNoLocal) return {};
  const LocalInfo& outer = binding.locals[local.shadows];
  const std::size_t where = outer.function != local.function ? 2
                            : outer.scope == local.scope     ? 0
                                                             : 1;
  return kShadowing[where][kind_digit(outer.kind) - 1];
}

}  // namespace moonring::lua
