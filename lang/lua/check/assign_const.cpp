// assign-to-const: an assignment to a <const> or <close> local (5.4), on the assigned name.
#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

void assign_to_const(const RuleContext& cx) {
  for (const ConstWrite& w : cx.binding.const_writes) {
    const LocalInfo& local = cx.binding.locals[w.local];
    std::string message = "attempt to assign to const variable '";
    message += local_name(cx.tree, local);
    message += "' (declared <";
    message += local.attrib == LocalAttrib::Close ? "close" : "const";
    message += "> on line " + std::to_string(cx.line(local.decl.start)) + ")";
    cx.report(DiagnosticCode::AssignToConst, w.range, std::move(message));
  }
}

}  // namespace moonring::lua::rules
