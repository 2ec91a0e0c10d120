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

void undefined_global_candidates(const RuleContext& cx,
                                 const std::function<void(const PendingGlobalRead&)>& visit) {
  if (!cx.enabled(DiagnosticCode::UndefinedGlobal)) return;
  GlobalSet own;
  for (const GlobalAccess& g : cx.binding.globals)
    if (g.kind == AccessKind::Set) own.add(global_name(cx.tree, g));
  // Whether a name is a candidate is decided once per interned name, not once per read (a file
  // can read one global a million times); _ENV["x"] keys are not interned and are judged each.
  enum Verdict : std::uint8_t { kUnjudged, kCandidate, kDefined };
  std::vector<Verdict> verdicts(cx.tree.names().size(), kUnjudged);
  const auto judge = [&](std::string_view name) {
    const bool known = cx.options.is_known_global && cx.options.is_known_global(name);
    return known || own.contains(name) ? kDefined : kCandidate;
  };
  const Severity severity = cx.options.policy.severity_of(DiagnosticCode::UndefinedGlobal);
  LineCursor lines(cx.tree.lines());  // the reads are in source order
  for (const GlobalAccess& g : cx.binding.globals) {
    if (g.kind != AccessKind::Get) continue;
    const std::string_view name = global_name(cx.tree, g);
    Verdict verdict;
    NameId id = kNoNode;
    if (cx.tree.kind(g.node) == NodeKind::Name) {
      id = cx.tree.name_id(g.node);
      Verdict& known = verdicts[id];
      if (known == kUnjudged) known = judge(name);
      verdict = known;
    } else {
      verdict = judge(name);
    }
    if (verdict == kDefined) continue;
    const LineCol start = lines.position(g.range.start);
    visit({name, severity, g.range, start, lines.position(g.range.end), id});
  }
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
    const PendingGlobalRead read{name,
                                 cx.options.policy.severity_of(DiagnosticCode::UndefinedGlobal),
                                 g.range,
                                 cx.tree.position(g.range.start),
                                 cx.tree.position(g.range.end),
                                 kNoNode};
    cx.out.push_back(undefined_global_diagnostic(read));
  }
}

}  // namespace rules
}  // namespace moonring::lua
