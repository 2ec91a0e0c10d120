// undefined-global: a read of a global that is neither known (standard library, configuration)
// nor assigned in any checked file.
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

void undefined_globals(const RuleContext& cx) {
  if (!cx.enabled(DiagnosticCode::UndefinedGlobal)) return;
  // Without a workspace-wide set, the file's own assignments are all there is.
  GlobalSet own;
  const GlobalSet* assigned = cx.options.assigned_globals;
  if (assigned == nullptr) {
    for (const GlobalAccess& g : cx.binding.globals)
      if (g.kind == AccessKind::Set) own.add(global_name(cx.tree, g));
    assigned = &own;
  }
  for (const GlobalAccess& g : cx.binding.globals) {
    if (g.kind != AccessKind::Get) continue;
    std::string_view name = global_name(cx.tree, g);
    if (cx.options.is_known_global && cx.options.is_known_global(name)) continue;
    if (assigned->contains(name)) continue;
    std::string message = "undefined global '";
    message += name;
    message += "'";
    cx.report(DiagnosticCode::UndefinedGlobal, g.range, std::move(message));
  }
}

}  // namespace moonring::lua::rules
