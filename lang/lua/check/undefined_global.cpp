// undefined-global: a read of a global that is neither known (standard library, configuration)
// nor assigned in any checked file.
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {
Diagnostic undefined_global(const RuleContext& cx, std::string_view name, Range range) {
  Diagnostic d;
  d.code = DiagnosticCode::UndefinedGlobal;
  d.severity = cx.options.policy.severity_of(DiagnosticCode::UndefinedGlobal);
  d.range = range;
  d.start = cx.tree.position(range.start);
  d.end = cx.tree.position(range.end);
  d.message = "undefined global '";
  d.message += name;
  d.message += "'";
  return d;
}
}  // namespace

std::vector<PendingGlobalRead> undefined_global_candidates(const RuleContext& cx) {
  std::vector<PendingGlobalRead> reads;
  if (!cx.enabled(DiagnosticCode::UndefinedGlobal)) return reads;
  GlobalSet own;
  for (const GlobalAccess& g : cx.binding.globals)
    if (g.kind == AccessKind::Set) own.add(global_name(cx.tree, g));
  for (const GlobalAccess& g : cx.binding.globals) {
    if (g.kind != AccessKind::Get) continue;
    std::string_view name = global_name(cx.tree, g);
    if (cx.options.is_known_global && cx.options.is_known_global(name)) continue;
    if (own.contains(name)) continue;
    reads.push_back({std::string(name), undefined_global(cx, name, g.range)});
  }
  return reads;
}

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
    cx.out.push_back(undefined_global(cx, name, g.range));
  }
}

}  // namespace moonring::lua::rules
