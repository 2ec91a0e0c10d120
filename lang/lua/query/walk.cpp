// Children of each node kind, read through the tree's typed views, and the descent to an offset.
#include "lang/lua/query/walk.hpp"

#include <algorithm>

namespace moonring::lua::query {

namespace {

void push(std::vector<NodeId>& out, NodeId id) {
  if (id != kNoNode) out.push_back(id);
}

void push_all(std::vector<NodeId>& out, std::span<const NodeId> ids) {
  for (NodeId id : ids) push(out, id);
}

// The entries of a list in source order that may hold `offset`: the last starting at or before
// it and the one before (a name's end may be the next entry's start).
void push_candidates(const Tree& t, std::span<const NodeId> list, std::uint32_t offset,
                     std::vector<NodeId>& out) {
  auto after = std::upper_bound(list.begin(), list.end(), offset, [&](std::uint32_t o, NodeId n) {
    return n != kNoNode && o < t.node(n).start;
  });
  const std::size_t last = static_cast<std::size_t>(after - list.begin());
  for (std::size_t i = last >= 2 ? last - 2 : 0; i < last; ++i) push(out, list[i]);
}

}  // namespace

void append_children(const Tree& t, NodeId id, std::vector<NodeId>& out) {
  switch (t.kind(id)) {
    case NodeKind::Block:
      push_all(out, t.statements(id));
      return;
    case NodeKind::Local: {
      LocalView v = t.local(id);
      push_all(out, v.names);
      push_all(out, v.values);
      return;
    }
    case NodeKind::LocalFunction: {
      LocalFunctionView v = t.local_function(id);
      push(out, v.name);
      push(out, v.body);
      return;
    }
    case NodeKind::Function: {
      FunctionView v = t.function(id);
      push(out, v.target);
      push(out, v.method);
      push(out, v.body);
      return;
    }
    case NodeKind::Assign: {
      AssignView v = t.assign(id);
      push_all(out, v.targets);
      push_all(out, v.values);
      return;
    }
    case NodeKind::CallStat:
    case NodeKind::Do:
    case NodeKind::Paren:
    case NodeKind::Goto:
    case NodeKind::Label:
      push(out, t.child(id));
      return;
    case NodeKind::While: {
      WhileView v = t.while_loop(id);
      push(out, v.condition);
      push(out, v.block);
      return;
    }
    case NodeKind::Repeat: {
      RepeatView v = t.repeat(id);
      push(out, v.block);
      push(out, v.condition);
      return;
    }
    case NodeKind::If:
      push_all(out, t.if_clauses(id));
      return;
    case NodeKind::IfClause: {
      IfClauseView v = t.if_clause(id);
      push(out, v.condition);
      push(out, v.block);
      return;
    }
    case NodeKind::NumericFor: {
      NumericForView v = t.numeric_for(id);
      push(out, v.variable);
      push(out, v.start);
      push(out, v.limit);
      push(out, v.step);
      push(out, v.block);
      return;
    }
    case NodeKind::GenericFor: {
      GenericForView v = t.generic_for(id);
      push_all(out, v.names);
      push_all(out, v.values);
      push(out, v.block);
      return;
    }
    case NodeKind::Return:
      push_all(out, t.return_values(id));
      return;
    case NodeKind::FunctionExpr: {
      FunctionExprView v = t.function_expr(id);
      push_all(out, v.params);
      push(out, v.block);
      return;
    }
    case NodeKind::Table:
      push_all(out, t.table_fields(id));
      return;
    case NodeKind::TableField: {
      TableFieldView v = t.table_field(id);
      push(out, v.key);
      push(out, v.value);
      return;
    }
    case NodeKind::Binary: {
      BinaryView v = t.binary(id);
      push(out, v.left);
      push(out, v.right);
      return;
    }
    case NodeKind::Unary:
      push(out, t.unary(id).operand);
      return;
    case NodeKind::Index: {
      IndexView v = t.index(id);
      push(out, v.object);
      push(out, v.key);
      return;
    }
    case NodeKind::Field: {
      FieldView v = t.field(id);
      push(out, v.object);
      push(out, v.name);
      return;
    }
    case NodeKind::MethodCall: {
      MethodCallView v = t.method_call(id);
      push(out, v.object);
      push(out, v.name);
      push_all(out, v.args);
      return;
    }
    case NodeKind::Call: {
      CallView v = t.call(id);
      push(out, v.callee);
      push_all(out, v.args);
      return;
    }
    default:
      return;  // literals, names, `...`, break, Error
  }
}

std::vector<NodeId> path_at(const Tree& t, std::uint32_t offset, bool at_end) {
  std::vector<NodeId> path;
  NodeId at = t.root();
  if (at == kNoNode) return path;
  std::vector<NodeId> kids;
  while (at != kNoNode) {
    path.push_back(at);
    kids.clear();
    const NodeKind kind = t.kind(at);
    if (kind == NodeKind::Block || kind == NodeKind::Table) {
      // A block's statements and a constructor's fields follow one another: only the last one
      // starting at or before the offset can hold it, or (at its end) the one before that.
      // Chunks and data tables have thousands.
      std::span<const NodeId> list =
          kind == NodeKind::Block ? t.statements(at) : t.table_fields(at);
      push_candidates(t, list, offset, kids);
    } else {
      append_children(t, at, kids);
    }
    // Children mostly follow source order, but a function's body starts where its statement or
    // its name does (`local function f`), so it overlaps the name: the narrowest child that
    // covers the offset wins.
    at = kNoNode;
    std::uint32_t width = 0xFFFFFFFFu;
    for (NodeId k : kids) {
      Range r = t.range(k);
      if (covers(r, offset, at_end) && r.end - r.start < width) {
        at = k;
        width = r.end - r.start;
      }
    }
  }
  return path;
}

}  // namespace moonring::lua::query
