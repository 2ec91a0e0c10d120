// unused-local, unused-arg, unused-loop-var: a variable that is never read.
//
// "Read" means any use of its value (a local function calling itself from its own body does not
// count). A variable that is only assigned is unused too: luacheck splits that case into "is never
// accessed" (W231); we keep one code and say it in the message. Exempt: names starting with `_`,
// the implicit `self` of a method, the implicit `arg` of a 5.1 vararg function, and <close>
// locals (their use is the __close call when their scope ends).
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

void unused_variables(const RuleContext& cx) {
  for (const LocalInfo& local : cx.binding.locals) {
    if (local.reads != 0 || local.kind == LocalKind::Self || local.kind == LocalKind::Implicit)
      continue;
    if (local.attrib == LocalAttrib::Close) continue;  // used by being closed at scope end
    std::string_view name = local_name(cx.tree, local);
    if (is_ignored_name(name)) continue;
    DiagnosticCode code = DiagnosticCode::UnusedLocal;
    std::string message;
    switch (local.kind) {
      case LocalKind::Param:
        code = DiagnosticCode::UnusedArg;
        message = "unused argument '";
        break;
      case LocalKind::LoopVar:
        code = DiagnosticCode::UnusedLoopVar;
        message = "unused loop variable '";
        break;
      case LocalKind::LocalFunction:
        message = local.self_reads != 0 ? "unused recursive function '" : "unused function '";
        break;
      default:
        message = "unused local '";
        break;
    }
    message += name;
    message += "'";
    if (local.writes != 0) message += " (assigned but never read)";
    cx.report(code, local.decl, std::move(message));
  }
}

}  // namespace moonring::lua::rules
