// The outline: a walk over statements (not expressions, except the function bodies and table
// constructors that values hold), iterative over blocks and recursive per nesting level.
#include "lang/lua/query/document_symbols.hpp"

#include "lang/lua/query/function_info.hpp"

namespace moonring::lua::query {

namespace {

class Outliner {
 public:
  Outliner(const Tree& t, const FileBinding& b) : t_(t), b_(b) {}

  void block(NodeId block, std::vector<DocumentSymbol>& out, int depth) {
    if (block == kNoNode || t_.kind(block) != NodeKind::Block || depth > kMaxDepth) return;
    for (NodeId s : t_.statements(block)) statement(s, out, depth);
  }

 private:
  // Nesting beyond this is flattened: an outline 200 levels deep helps nobody, and the
  // recursion stays bounded.
  static constexpr int kMaxDepth = 64;

  std::string name_of(NodeId target) const {
    if (target == kNoNode) return {};
    if (t_.kind(target) == NodeKind::Name) return std::string(t_.name_text(target));
    if (t_.kind(target) == NodeKind::Field) {
      FieldView f = t_.field(target);
      std::string object = name_of(f.object);
      if (object.empty() || f.name == kNoNode) return {};
      return object + "." + std::string(t_.name_text(f.name));
    }
    return {};
  }

  DocumentSymbol function_symbol(std::string name, NodeId stat, Range selection, NodeId body,
                                 OutlineKind kind, int depth) {
    DocumentSymbol d;
    d.name = std::move(name);
    d.kind = kind;
    d.range = t_.range(stat);
    d.selection = selection;
    d.detail = "(" + parameter_list(t_, body) + ")";
    if (body != kNoNode) block(t_.function_expr(body).block, d.children, depth + 1);
    return d;
  }

  // A value: a function's body or a constructor's keys become the children of `d`.
  void value(NodeId v, DocumentSymbol& d, int depth) {
    if (v == kNoNode) return;
    if (t_.kind(v) == NodeKind::FunctionExpr) {
      d.kind = d.kind == OutlineKind::Field ? OutlineKind::Method : OutlineKind::Function;
      d.detail = "(" + parameter_list(t_, v) + ")";
      block(t_.function_expr(v).block, d.children, depth + 1);
    } else if (t_.kind(v) == NodeKind::Table && depth < kMaxDepth) {
      for (NodeId field : t_.table_fields(v)) {
        TableFieldView f = t_.table_field(field);
        if (f.kind != FieldKind::Named) continue;
        DocumentSymbol c;
        c.name = std::string(t_.name_text(f.key));
        c.kind = OutlineKind::Field;
        c.range = t_.range(field);
        c.selection = t_.range(f.key);
        value(f.value, c, depth + 1);
        if (c.kind == OutlineKind::Method) c.kind = OutlineKind::Function;
        d.children.push_back(std::move(c));
      }
    }
  }

  void statement(NodeId s, std::vector<DocumentSymbol>& out, int depth) {
    switch (t_.kind(s)) {
      case NodeKind::LocalFunction: {
        LocalFunctionView lf = t_.local_function(s);
        out.push_back(function_symbol(std::string(t_.name_text(lf.name)), s, t_.range(lf.name),
                                      lf.body, OutlineKind::Function, depth));
        out.back().detail = "local " + out.back().detail;
        return;
      }
      case NodeKind::Function: {
        FunctionView f = t_.function(s);
        std::string name = name_of(f.target);
        if (name.empty()) return;
        Range sel = t_.range(f.target);
        OutlineKind kind = OutlineKind::Function;
        if (f.method != kNoNode) {
          name += ":" + std::string(t_.name_text(f.method));
          sel = t_.range(f.method);
          kind = OutlineKind::Method;
        } else if (t_.kind(f.target) == NodeKind::Field) {
          sel = t_.range(t_.field(f.target).name);
          kind = OutlineKind::Method;
        }
        out.push_back(function_symbol(std::move(name), s, sel, f.body, kind, depth));
        return;
      }
      case NodeKind::Local: {
        LocalView l = t_.local(s);
        for (std::size_t i = 0; i < l.names.size(); ++i) {
          DocumentSymbol d;
          d.name = std::string(t_.name_text(l.names[i]));
          d.kind = t_.attrib(l.names[i]) == LocalAttrib::Const ? OutlineKind::Constant
                                                               : OutlineKind::Variable;
          d.detail = "local";
          d.range = t_.range(s);
          d.selection = t_.range(l.names[i]);
          if (i < l.values.size()) value(l.values[i], d, depth);
          out.push_back(std::move(d));
        }
        return;
      }
      case NodeKind::Assign: {
        AssignView a = t_.assign(s);
        for (std::size_t i = 0; i < a.targets.size(); ++i) {
          NodeId target = a.targets[i];
          bool global = false;
          if (t_.kind(target) == NodeKind::Name) {
            const NameRef* ref = b_.ref_at(t_.node(target).start);
            global = ref != nullptr && ref->target == RefTarget::Global;
          }
          // Globals, and fields assigned a function or a table (M.x = function ... end).
          NodeId v = i < a.values.size() ? a.values[i] : kNoNode;
          bool shaped = v != kNoNode &&
                        (t_.kind(v) == NodeKind::FunctionExpr || t_.kind(v) == NodeKind::Table);
          if (!global && !(shaped && t_.kind(target) == NodeKind::Field)) continue;
          std::string name = name_of(target);
          if (name.empty()) continue;
          DocumentSymbol d;
          d.name = std::move(name);
          d.kind = global ? OutlineKind::Variable : OutlineKind::Field;
          d.detail = global ? "global" : "";
          d.range = t_.range(s);
          d.selection = t_.kind(target) == NodeKind::Field ? t_.range(t_.field(target).name)
                                                           : t_.range(target);
          value(v, d, depth);
          out.push_back(std::move(d));
        }
        return;
      }
      case NodeKind::Do:
        block(t_.child(s), out, depth + 1);
        return;
      case NodeKind::While:
        block(t_.while_loop(s).block, out, depth + 1);
        return;
      case NodeKind::Repeat:
        block(t_.repeat(s).block, out, depth + 1);
        return;
      case NodeKind::If:
        for (NodeId c : t_.if_clauses(s)) block(t_.if_clause(c).block, out, depth + 1);
        return;
      case NodeKind::NumericFor:
        block(t_.numeric_for(s).block, out, depth + 1);
        return;
      case NodeKind::GenericFor:
        block(t_.generic_for(s).block, out, depth + 1);
        return;
      default:
        return;
    }
  }

  const Tree& t_;
  const FileBinding& b_;
};

}  // namespace

std::vector<DocumentSymbol> document_symbols(const Tree& tree, const FileBinding& binding) {
  std::vector<DocumentSymbol> out;
  Outliner(tree, binding).block(tree.root(), out, 0);
  return out;
}

}  // namespace moonring::lua::query
