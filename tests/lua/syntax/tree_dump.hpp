// Test helpers over a syntax tree: an S-expression dump, range checks, function names.
#pragma once

#include <string>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua {

inline const char* binary_spelling(BinaryOp op) {
  static const char* const k[] = {"or", "and", "<",  ">", "<=", ">=", "~=", "==", "|", "~", "&",
                                  "<<", ">>",  "..", "+", "-",  "*",  "/",  "//", "%", "^"};
  return k[static_cast<int>(op)];
}

// Expressions as S-expressions: "(+ 1 (* 2 3))"; names and literals as their source text.
inline std::string dump(const Tree& t, NodeId n) {
  auto list = [&](std::string head, std::span<const NodeId> items) {
    for (NodeId i : items) {
      head += ' ';
      head += dump(t, i);
    }
    return std::string("(") + head + ")";
  };
  switch (t.kind(n)) {
    case NodeKind::Binary: {
      BinaryView b = t.binary(n);
      return std::string("(") + binary_spelling(b.op) + " " + dump(t, b.left) + " " +
             dump(t, b.right) + ")";
    }
    case NodeKind::Unary: {
      static const char* const k[] = {"not", "neg", "#", "bnot"};
      UnaryView u = t.unary(n);
      return std::string("(") + k[static_cast<int>(u.op)] + " " + dump(t, u.operand) + ")";
    }
    case NodeKind::Paren:
      return std::string("(paren ") + dump(t, t.child(n)) + ")";
    case NodeKind::Index:
      return std::string("(index ") + dump(t, t.index(n).object) + " " + dump(t, t.index(n).key) +
             ")";
    case NodeKind::Field:
      return std::string("(field ") + dump(t, t.field(n).object) + " " +
             std::string(t.name_text(t.field(n).name)) + ")";
    case NodeKind::Call:
      return list(std::string("call ") + dump(t, t.call(n).callee), t.call(n).args);
    case NodeKind::MethodCall: {
      MethodCallView m = t.method_call(n);
      return list(
          std::string("method ") + dump(t, m.object) + " " + std::string(t.name_text(m.name)),
          m.args);
    }
    case NodeKind::Table: {
      std::string s = "(table";
      for (NodeId f : t.table_fields(n)) {
        TableFieldView fv = t.table_field(f);
        if (fv.kind == FieldKind::Positional) s += std::string(" ") + dump(t, fv.value);
        if (fv.kind == FieldKind::Named)
          s +=
              std::string(" (") + std::string(t.name_text(fv.key)) + "= " + dump(t, fv.value) + ")";
        if (fv.kind == FieldKind::Bracketed)
          s += std::string(" ([") + dump(t, fv.key) + "]= " + dump(t, fv.value) + ")";
      }
      return s + ")";
    }
    case NodeKind::FunctionExpr: {
      FunctionExprView f = t.function_expr(n);
      std::string s = "(function";
      for (NodeId p : f.params) s += std::string(" ") + std::string(t.name_text(p));
      if (f.is_vararg) s += " ...";
      return s + ")";
    }
    default:
      return std::string(t.text(n));
  }
}

// Visits every node reachable from `n` with its parent.
template <typename F>
void walk(const Tree& t, NodeId n, NodeId parent, F&& f) {
  if (n == kNoNode) return;
  f(n, parent);
  auto each = [&](std::span<const NodeId> items) {
    for (NodeId i : items) walk(t, i, n, f);
  };
  switch (t.kind(n)) {
    case NodeKind::Block:
      each(t.statements(n));
      break;
    case NodeKind::Local:
      each(t.local(n).names);
      each(t.local(n).values);
      break;
    case NodeKind::LocalFunction:
      walk(t, t.local_function(n).name, n, f);
      walk(t, t.local_function(n).body, n, f);
      break;
    case NodeKind::Function: {
      FunctionView v = t.function(n);
      walk(t, v.target, n, f);
      walk(t, v.method, n, f);
      walk(t, v.body, n, f);
      break;
    }
    case NodeKind::Assign:
      each(t.assign(n).targets);
      each(t.assign(n).values);
      break;
    case NodeKind::CallStat:
    case NodeKind::Do:
    case NodeKind::Paren:
    case NodeKind::Goto:
    case NodeKind::Label:
      walk(t, t.child(n), n, f);
      break;
    case NodeKind::While:
      walk(t, t.while_loop(n).condition, n, f);
      walk(t, t.while_loop(n).block, n, f);
      break;
    case NodeKind::Repeat:
      walk(t, t.repeat(n).block, n, f);
      walk(t, t.repeat(n).condition, n, f);
      break;
    case NodeKind::If:
      each(t.if_clauses(n));
      break;
    case NodeKind::IfClause:
      walk(t, t.if_clause(n).condition, n, f);
      walk(t, t.if_clause(n).block, n, f);
      break;
    case NodeKind::NumericFor: {
      NumericForView v = t.numeric_for(n);
      for (NodeId c : {v.variable, v.start, v.limit, v.step, v.block}) walk(t, c, n, f);
      break;
    }
    case NodeKind::GenericFor:
      each(t.generic_for(n).names);
      each(t.generic_for(n).values);
      walk(t, t.generic_for(n).block, n, f);
      break;
    case NodeKind::Return:
      each(t.return_values(n));
      break;
    case NodeKind::FunctionExpr:
      each(t.function_expr(n).params);
      walk(t, t.function_expr(n).block, n, f);
      break;
    case NodeKind::Table:
      each(t.table_fields(n));
      break;
    case NodeKind::TableField:
      walk(t, t.table_field(n).key, n, f);
      walk(t, t.table_field(n).value, n, f);
      break;
    case NodeKind::Binary:
      walk(t, t.binary(n).left, n, f);
      walk(t, t.binary(n).right, n, f);
      break;
    case NodeKind::Unary:
      walk(t, t.unary(n).operand, n, f);
      break;
    case NodeKind::Index:
      walk(t, t.index(n).object, n, f);
      walk(t, t.index(n).key, n, f);
      break;
    case NodeKind::Field:
      walk(t, t.field(n).object, n, f);
      walk(t, t.field(n).name, n, f);
      break;
    case NodeKind::MethodCall:
      walk(t, t.method_call(n).object, n, f);
      walk(t, t.method_call(n).name, n, f);
      each(t.method_call(n).args);
      break;
    case NodeKind::Call:
      walk(t, t.call(n).callee, n, f);
      each(t.call(n).args);
      break;
    default:
      break;
  }
}

// Problems with ranges: a node outside the source, ending before it starts, or outside its
// parent. Empty when all is well.
inline std::vector<std::string> check_ranges(const Tree& t) {
  std::vector<std::string> problems;
  const auto size = static_cast<std::uint32_t>(t.source().size());
  walk(t, t.root(), kNoNode, [&](NodeId n, NodeId parent) {
    Range r = t.range(n);
    if (r.start > r.end || r.end > size) {
      problems.push_back(std::string("node ") + std::to_string(n) + " range " +
                         std::to_string(r.start) + "-" + std::to_string(r.end));
    }
    if (parent != kNoNode) {
      Range p = t.range(parent);
      if (r.start < p.start || r.end > p.end) {
        problems.push_back(std::string("node ") + std::to_string(n) + " outside its parent " +
                           std::to_string(parent));
      }
    }
  });
  return problems;
}

// Names of the function statements (local or not), in order, nested ones included.
inline void collect_function_names(const Tree& t, NodeId root, std::vector<std::string>& out) {
  walk(t, root, kNoNode, [&](NodeId n, NodeId) {
    if (t.kind(n) == NodeKind::LocalFunction)
      out.emplace_back(t.name_text(t.local_function(n).name));
    if (t.kind(n) == NodeKind::Function) out.emplace_back(t.text(t.function(n).target));
  });
}

}  // namespace moonring::lua
