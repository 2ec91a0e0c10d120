// redundant-value: more values than variables in a `local` statement or an assignment
// (`local a = 1, 2`). The extra values are evaluated and dropped; an extra call still runs, but its
// place in the list says "assigned", which it is not, so it is reported too. Underlines the extra
// values, from the first to the last.
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {
void check_lists(const RuleContext& cx, std::size_t variables, std::span<const NodeId> values) {
  if (values.size() <= variables || variables == 0) return;
  Range range{cx.tree.range(values[variables]).start, cx.tree.range(values.back()).end};
  std::size_t extra = values.size() - variables;
  std::string message = std::to_string(values.size()) + " values for " + std::to_string(variables) +
                        (variables == 1 ? " variable" : " variables") + ": " +
                        std::to_string(extra) + (extra == 1 ? " value is" : " values are") +
                        " never assigned";
  cx.report(DiagnosticCode::RedundantValue, range, std::move(message));
}
}  // namespace

void redundant_values(const RuleContext& cx, std::span<const NodeId> lists) {
  if (!cx.enabled(DiagnosticCode::RedundantValue)) return;
  const Tree& t = cx.tree;
  for (const NodeId id : lists) {
    if (t.kind(id) == NodeKind::Local) {
      LocalView l = t.local(id);
      check_lists(cx, l.names.size(), l.values);
    } else if (t.kind(id) == NodeKind::Assign) {
      AssignView a = t.assign(id);
      check_lists(cx, a.targets.size(), a.values);
    }
  }
}

}  // namespace moonring::lua::rules
