// undefined-global: a read of a global that is neither known (standard library, configuration)
// nor assigned in any checked file.
#include "lang/lua/check/rules.hpp"

namespace moonring::lua {

void undefined_global_message(std::string_view name, std::string& out) {
  out.assign("undefined global '");
  out += name;
  out += '\'';
}

Diagnostic undefined_global_diagnostic(const PendingGlobalRead& read) {
  Diagnostic d;
  d.code = DiagnosticCode::UndefinedGlobal;
  d.severity = read.severity;
  d.range = read.range;
  d.start = read.start;
  d.end = read.end;
  undefined_global_message(read.name, d.message);
  return d;
}

namespace rules {

namespace {
PendingGlobalRead read_of(const RuleContext& cx, std::string_view name, Range range) {
  return {name, cx.options.policy.severity_of(DiagnosticCode::UndefinedGlobal), range,
          cx.tree.position(range.start), cx.tree.position(range.end)};
}
}  // namespace

std::vector<PendingGlobalRead> undefined_global_candidates(const RuleContext& cx) {
  std::vector<PendingGlobalRead> reads;
  if (!cx.enabled(DiagnosticCode::UndefinedGlobal)) return reads;
  reads.reserve(cx.binding.globals.size());
  GlobalSet own;
  for (const GlobalAccess& g : cx.binding.globals)
    if (g.kind == AccessKind::Set) own.add(global_name(cx.tree, g));
  for (const GlobalAccess& g : cx.binding.globals) {
    if (g.kind != AccessKind::Get) continue;
    std::string_view name = global_name(cx.tree, g);
    if (cx.options.is_known_global && cx.options.is_known_global(name)) continue;
    if (own.contains(name)) continue;
    reads.push_back(read_of(cx, name, g.range));
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
    cx.out.push_back(undefined_global_diagnostic(read_of(cx, name, g.range)));
  }
}

}  // namespace rules
}  // namespace moonring::lua
