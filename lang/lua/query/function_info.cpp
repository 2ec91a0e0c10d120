// The function a declaration binds: the parent of the declaring name tells which value is its.
#include "lang/lua/query/function_info.hpp"

#include <algorithm>

#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

NodeId as_function(const Tree& t, NodeId value) {
  while (value != kNoNode && t.kind(value) == NodeKind::Paren) value = t.child(value);
  return value != kNoNode && t.kind(value) == NodeKind::FunctionExpr ? value : kNoNode;
}

// values[i] for the i-th of `names`.
NodeId paired(const Tree& t, std::span<const NodeId> names, std::span<const NodeId> values,
              NodeId name) {
  auto it = std::ranges::find(names, name);
  if (it == names.end()) return kNoNode;
  auto i = static_cast<std::size_t>(it - names.begin());
  return i < values.size() ? as_function(t, values[i]) : kNoNode;
}

}  // namespace

NodeId function_bound_at(const Tree& t, Range name) {
  return function_bound_on(t, path_at(t, name.start));
}

NodeId function_bound_on(const Tree& t, std::span<const NodeId> path) {
  if (path.size() < 2 || t.kind(path.back()) != NodeKind::Name) return kNoNode;
  // Walk up from the name through the Field chain of `function a.b.c()` or `a.b = function`.
  std::size_t i = path.size() - 1;
  NodeId child = path[i];
  while (i > 0) {
    NodeId parent = path[i - 1];
    switch (t.kind(parent)) {
      case NodeKind::Field:
        if (t.field(parent).name != child) return kNoNode;
        child = parent;
        --i;
        continue;
      case NodeKind::LocalFunction:
        return t.local_function(parent).body;
      case NodeKind::Function: {
        FunctionView f = t.function(parent);
        return f.target == child || f.method == child ? f.body : kNoNode;
      }
      case NodeKind::Local:
        return paired(t, t.local(parent).names, t.local(parent).values, child);
      case NodeKind::Assign:
        return paired(t, t.assign(parent).targets, t.assign(parent).values, child);
      case NodeKind::TableField: {
        TableFieldView v = t.table_field(parent);
        return v.key == child ? as_function(t, v.value) : kNoNode;
      }
      default:
        return kNoNode;
    }
  }
  return kNoNode;
}

std::vector<NodeId> function_statement_targets(const Tree& t) {
  std::vector<NodeId> out;
  for (NodeId id = 0; id < t.node_count(); ++id)
    if (t.kind(id) == NodeKind::Function && t.function(id).method == kNoNode)
      out.push_back(t.function(id).target);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string_view> parameter_names(const Tree& t, NodeId function) {
  std::vector<std::string_view> out;
  if (function == kNoNode) return out;
  FunctionExprView f = t.function_expr(function);
  for (NodeId p : f.params) out.push_back(t.name_text(p));
  if (f.is_vararg) out.push_back("...");
  return out;
}

std::string parameter_list(const Tree& t, NodeId function) {
  std::string out;
  for (std::string_view p : parameter_names(t, function)) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

}  // namespace moonring::lua::query
