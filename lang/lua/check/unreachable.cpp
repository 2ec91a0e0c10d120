// unreachable-code: statements that control can never reach.
//
// A statement never completes normally when it is `return`, `break` or `goto`; a `do` block whose
// body never completes; an `if` with an `else` whose every branch never completes; `while true`
// or `repeat ... until false` without a `break` of its own. In a block, the statements after such
// a statement are unreachable up to the next label (a goto may land there). One diagnostic covers
// each unreachable run; nothing is reported inside a run already reported.
#include <algorithm>

#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {

class Reachability {
 public:
  explicit Reachability(const Tree& tree) : t_(tree) {}

  // True when control can leave the block through its end.
  bool block_completes(NodeId block) const {
    if (block == kNoNode || t_.kind(block) != NodeKind::Block) return true;
    bool reachable = true;
    for (NodeId s : t_.statements(block)) {
      if (t_.kind(s) == NodeKind::Label)
        reachable = true;
      else if (reachable && !completes(s))
        reachable = false;
    }
    return reachable;
  }

  bool completes(NodeId s) const {
    switch (t_.kind(s)) {
      case NodeKind::Return:
      case NodeKind::Break:
      case NodeKind::Goto:
        return false;
      case NodeKind::Do:
        return block_completes(t_.child(s));
      case NodeKind::If: {
        auto clauses = t_.if_clauses(s);
        if (clauses.empty() || t_.if_clause(clauses.back()).condition != kNoNode) return true;
        for (NodeId c : clauses)
          if (block_completes(t_.if_clause(c).block)) return true;
        return false;
      }
      case NodeKind::While: {
        WhileView w = t_.while_loop(s);
        return t_.kind(w.condition) != NodeKind::True || has_break(w.block);
      }
      case NodeKind::Repeat: {
        RepeatView r = t_.repeat(s);
        bool endless = r.condition != kNoNode && (t_.kind(r.condition) == NodeKind::False ||
                                                  t_.kind(r.condition) == NodeKind::Nil);
        return !endless || has_break(r.block);
      }
      default:
        return true;
    }
  }

 private:
  // A `break` that leaves this loop: in its body, not inside a nested loop (functions are
  // expressions, so a statement walk never enters one).
  bool has_break(NodeId block) const {
    if (block == kNoNode || t_.kind(block) != NodeKind::Block) return false;
    for (NodeId s : t_.statements(block)) {
      switch (t_.kind(s)) {
        case NodeKind::Break:
          return true;
        case NodeKind::Do:
          if (has_break(t_.child(s))) return true;
          break;
        case NodeKind::If:
          for (NodeId c : t_.if_clauses(s))
            if (has_break(t_.if_clause(c).block)) return true;
          break;
        default:
          break;
      }
    }
    return false;
  }

  const Tree& t_;
};

}  // namespace

void unreachable_code(const RuleContext& cx, std::span<const NodeId> blocks) {
  if (!cx.enabled(DiagnosticCode::UnreachableCode)) return;
  const Tree& t = cx.tree;
  Reachability reach(t);
  struct Run {
    Range range;
    NodeId cause;
  };
  std::vector<Run> runs;
  for (const NodeId id : blocks) {
    bool reachable = true;
    NodeId cause = kNoNode;
    Run run{{0, 0}, kNoNode};
    auto flush = [&] {
      if (run.cause != kNoNode) runs.push_back(run);
      run.cause = kNoNode;
    };
    for (NodeId s : t.statements(id)) {
      if (t.kind(s) == NodeKind::Label) {
        flush();
        reachable = true;
        continue;
      }
      if (!reachable) {
        if (run.cause == kNoNode) run = {t.range(s), cause};
        run.range.end = t.range(s).end;
        continue;
      }
      if (!reach.completes(s)) {
        reachable = false;
        cause = s;
      }
    }
    flush();
  }
  std::sort(runs.begin(), runs.end(),
            [](const Run& a, const Run& b) { return a.range.start < b.range.start; });
  std::uint32_t covered_end = 0;
  bool any = false;
  for (const Run& r : runs) {
    if (any && r.range.end <= covered_end) continue;  // inside a run already reported
    any = true;
    covered_end = r.range.end;
    std::string message = "unreachable code (";
    switch (t.kind(r.cause)) {
      case NodeKind::Return:
        message += "after the return";
        break;
      case NodeKind::Break:
        message += "after the break";
        break;
      case NodeKind::Goto:
        message += "after the goto";
        break;
      case NodeKind::While:
      case NodeKind::Repeat:
        message += "after the endless loop";
        break;
      default:
        message += "every path above ends in return, break or goto";
        break;
    }
    message += " on line " + std::to_string(cx.line(t.range(r.cause).start)) + ")";
    cx.report(DiagnosticCode::UnreachableCode, r.range, std::move(message));
  }
}

}  // namespace moonring::lua::rules
