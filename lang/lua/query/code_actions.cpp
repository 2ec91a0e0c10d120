// The two quick fixes, from the declaring name's local and the statement above it in the path.
#include "lang/lua/query/code_actions.hpp"

#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

LocalId declared_local(const FileBinding& b, std::uint32_t offset) {
  LocalId id = b.local_declared_at(offset);
  if (id == kNoLocal && offset > 0) id = b.local_declared_at(offset - 1);
  if (id == kNoLocal) return kNoLocal;
  const LocalInfo& info = b.locals[id];
  if (info.decl.end == info.decl.start || info.kind == LocalKind::Self ||
      info.kind == LocalKind::Implicit)
    return kNoLocal;
  return id;
}

// Whether evaluating `e` cannot have an effect: no call anywhere in it (a function
// expression's body does not run).
bool effect_free(const Tree& t, NodeId e) {
  std::vector<NodeId> todo{e};
  std::vector<NodeId> kids;
  while (!todo.empty()) {
    NodeId n = todo.back();
    todo.pop_back();
    if (n == kNoNode) continue;
    NodeKind k = t.kind(n);
    if (k == NodeKind::Call || k == NodeKind::MethodCall || k == NodeKind::Error) return false;
    // Indexing may call __index; arithmetic a metamethod: only plain values count.
    if (k == NodeKind::Index || k == NodeKind::Field || k == NodeKind::Binary ||
        k == NodeKind::Unary)
      return false;
    if (k == NodeKind::FunctionExpr) continue;
    kids.clear();
    append_children(t, n, kids);
    todo.insert(todo.end(), kids.begin(), kids.end());
  }
  return true;
}

}  // namespace

std::optional<CodeAction> prefix_with_underscore(const Tree& t, const FileBinding& b,
                                                 std::uint32_t offset) {
  LocalId id = declared_local(b, offset);
  if (id == kNoLocal) return std::nullopt;
  const LocalInfo& info = b.locals[id];
  std::string_view name = t.names().text(info.name);
  if (name.starts_with('_')) return std::nullopt;
  CodeAction a;
  a.title = "Prefix '" + std::string(name) + "' with _ to mark it unused";
  a.edits.push_back({{info.decl.start, info.decl.start}, "_"});
  return a;
}

std::optional<CodeAction> remove_unused_local(const Tree& t, const FileBinding& b,
                                              std::uint32_t offset) {
  LocalId id = declared_local(b, offset);
  if (id == kNoLocal) return std::nullopt;
  const LocalInfo& info = b.locals[id];
  if (info.reads != 0 || info.writes != 0 || info.self_reads != 0) return std::nullopt;
  if (info.kind != LocalKind::Local && info.kind != LocalKind::LocalFunction) return std::nullopt;
  std::vector<NodeId> path = path_at(t, info.decl.start);
  NodeId stat = kNoNode;
  for (std::size_t i = path.size(); i-- > 0;) {
    NodeKind k = t.kind(path[i]);
    if (k == NodeKind::Local || k == NodeKind::LocalFunction) {
      stat = path[i];
      break;
    }
  }
  if (stat == kNoNode) return std::nullopt;
  if (t.kind(stat) == NodeKind::Local) {
    LocalView l = t.local(stat);
    if (l.names.size() != 1) return std::nullopt;
    for (NodeId v : l.values)
      if (!effect_free(t, v)) return std::nullopt;
  }
  // The statement, with its line when nothing else is on it.
  Range r = t.range(stat);
  const std::string_view src = t.source();
  std::uint32_t line_start = r.start, line_end = r.end;
  while (line_start > 0 && (src[line_start - 1] == ' ' || src[line_start - 1] == '\t'))
    --line_start;
  while (line_end < src.size() &&
         (src[line_end] == ' ' || src[line_end] == '\t' || src[line_end] == ';'))
    ++line_end;
  bool alone = (line_start == 0 || src[line_start - 1] == '\n') &&
               (line_end == src.size() || src[line_end] == '\n' || src[line_end] == '\r');
  if (alone) {
    r = {line_start, line_end};
    if (r.end < src.size() && src[r.end] == '\r') ++r.end;
    if (r.end < src.size() && src[r.end] == '\n') ++r.end;
  }
  CodeAction a;
  a.title = "Remove unused local '" + std::string(t.names().text(info.name)) + "'";
  a.edits.push_back({r, ""});
  return a;
}

}  // namespace moonring::lua::query
