// Visible locals from the path above an offset: each block on the path contributes the locals of
// its statements that end before the offset; functions their parameters, loops their variables.
#include "lang/lua/query/scope.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

class Visible {
 public:
  Visible(const Tree& t, const FileBinding& b) : t_(t), b_(b) {}

  void declare_name(NodeId name) {
    if (name == kNoNode || t_.kind(name) != NodeKind::Name) return;
    LocalId id = b_.local_declared_at(t_.node(name).start);
    if (id == kNoLocal) return;
    by_name_[b_.locals[id].name] = id;
  }

  void declare(LocalId id) { by_name_[b_.locals[id].name] = id; }

  // A statement of a block on the path: what it declares for code after it, or (the statement
  // holding the offset) for code inside it.
  void statement(NodeId s, std::uint32_t offset) {
    const bool before = t_.node(s).end <= offset;
    switch (t_.kind(s)) {
      case NodeKind::Local:
        if (before)
          for (NodeId n : t_.local(s).names) declare_name(n);
        return;
      case NodeKind::LocalFunction:
        declare_name(t_.local_function(s).name);  // visible in its own body too
        return;
      default:
        return;
    }
  }

  std::vector<LocalId> result() const {
    std::vector<LocalId> out;
    out.reserve(by_name_.size());
    for (const auto& [name, id] : by_name_) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  const Tree& t_;
  const FileBinding& b_;
  std::unordered_map<NameId, LocalId> by_name_;
};

}  // namespace

std::vector<LocalId> visible_locals(const Tree& t, const FileBinding& b, std::uint32_t offset) {
  Visible v(t, b);
  std::vector<NodeId> path = path_at(t, offset, true);
  for (std::size_t i = 0; i < path.size(); ++i) {
    NodeId n = path[i];
    NodeId next = i + 1 < path.size() ? path[i + 1] : kNoNode;
    switch (t.kind(n)) {
      case NodeKind::Block:
        for (NodeId s : t.statements(n)) {
          if (t.node(s).start > offset) break;
          v.statement(s, offset);
        }
        break;
      case NodeKind::FunctionExpr: {
        FunctionExprView f = t.function_expr(n);
        if (next != f.block) break;  // the parameters are visible in the body only
        // `self` (declared at the method's name) and 5.1's `arg` belong to this function too:
        // the locals declared between its start and its body's, other than its parameters.
        const std::uint32_t from = t.node(n).start, to = t.node(f.block).start;
        auto it = std::lower_bound(
            b.locals_by_decl.begin(), b.locals_by_decl.end(), from,
            [&b](LocalId id, std::uint32_t o) { return b.locals[id].decl.start < o; });
        for (; it != b.locals_by_decl.end() && b.locals[*it].decl.start <= to; ++it) {
          LocalKind k = b.locals[*it].kind;
          if (k == LocalKind::Self || k == LocalKind::Implicit) v.declare(*it);
        }
        for (NodeId p : f.params) v.declare_name(p);
        break;
      }
      case NodeKind::NumericFor:
        if (next == t.numeric_for(n).block) v.declare_name(t.numeric_for(n).variable);
        break;
      case NodeKind::GenericFor:
        if (next == t.generic_for(n).block)
          for (NodeId name : t.generic_for(n).names) v.declare_name(name);
        break;
      case NodeKind::Repeat: {
        RepeatView r = t.repeat(n);
        if (next == r.condition && r.block != kNoNode)  // `until` sees the body's locals
          for (NodeId s : t.statements(r.block)) v.statement(s, offset);
        break;
      }
      default:
        break;
    }
  }
  return v.result();
}

Range local_scope(const Tree& t, const FileBinding& b, LocalId id) {
  const LocalInfo& info = b.locals[id];
  std::vector<NodeId> path = path_at(t, info.decl.start);
  Range scope{info.decl.end, static_cast<std::uint32_t>(t.source().size())};
  for (std::size_t i = path.size(); i-- > 0;) {
    NodeId n = path[i];
    switch (t.kind(n)) {
      case NodeKind::Local:
        scope.start = t.node(n).end;
        continue;
      case NodeKind::FunctionExpr:
        if (info.kind == LocalKind::LocalFunction) continue;  // its name lies inside its body
        scope.end = t.node(n).end;
        return scope;
      case NodeKind::Function:  // `self`, declared at the method's name
        scope.end = t.node(n).end;
        return scope;
      case NodeKind::NumericFor:
      case NodeKind::GenericFor:
        scope.end = t.node(n).end;
        return scope;
      case NodeKind::Block:
        scope.end = t.node(n).end;
        if (i > 0 && t.kind(path[i - 1]) == NodeKind::Repeat) scope.end = t.node(path[i - 1]).end;
        return scope;
      default:
        continue;
    }
  }
  return scope;
}

bool is_keyword(std::string_view w) {
  static constexpr std::array<std::string_view, 22> kKeywords = {
      "and",      "break",  "do",   "else", "elseif", "end",  "false", "for",
      "function", "goto",   "if",   "in",   "local",  "nil",  "not",   "or",
      "repeat",   "return", "then", "true", "until",  "while"};
  return std::ranges::find(kKeywords, w) != kKeywords.end();
}

}  // namespace moonring::lua::query
