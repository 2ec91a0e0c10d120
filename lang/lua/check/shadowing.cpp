// shadowing: a declaration whose name is already visible as a local, one of:
//   - a local of an enclosing block of the same function ("shadows"),
//   - a local of the same block, or a parameter of the same function seen from its body's top
//     level ("redefines": Lua keeps both, the first is unreachable by name from here on),
//   - a local of an enclosing function, i.e. an upvalue ("shadows upvalue").
// Exempt: names starting with `_`, the implicit `self` of a method nested in a method, and a
// local `arg` in a 5.1 vararg function (the `local arg = {...}` idiom).
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {
std::string_view kind_name(LocalKind kind) {
  switch (kind) {
    case LocalKind::Param:
      return "argument";
    case LocalKind::Self:
    case LocalKind::Implicit:
      return "implicit argument";
    case LocalKind::LoopVar:
      return "loop variable";
    case LocalKind::LocalFunction:
      return "local function";
    case LocalKind::Local:
      return "local";
  }
  return "local";
}
}  // namespace

void shadowing(const RuleContext& cx) {
  if (!cx.enabled(DiagnosticCode::Shadowing)) return;
  for (const LocalInfo& local : cx.binding.locals) {
    if (local.shadows == kNoLocal || local.kind == LocalKind::Self) continue;
    std::string_view name = local_name(cx.tree, local);
    if (is_ignored_name(name)) continue;
    const LocalInfo& outer = cx.binding.locals[local.shadows];
    if (outer.kind == LocalKind::Implicit) continue;  // 5.1's `local arg = {...}` idiom
    std::string message = "'";
    message += name;
    if (outer.function != local.function) {
      message += "' shadows upvalue '";
    } else if (outer.scope == local.scope) {
      message += "' redefines ";
      message += kind_name(outer.kind);
      message += " '";
    } else {
      message += "' shadows ";
      message += kind_name(outer.kind);
      message += " '";
    }
    message += name;
    message += "' on line " + std::to_string(cx.line(outer.decl.start));
    cx.report(DiagnosticCode::Shadowing, local.decl, std::move(message), outer.decl,
              "'" + std::string(name) + "' is declared here");
  }
}

}  // namespace moonring::lua::rules
