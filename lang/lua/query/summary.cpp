// Building a file's summary in one pass over its nodes, with the owners of field objects
// resolved once per local.
#include "lang/lua/query/summary.hpp"

#include <algorithm>

#include "lang/lua/query/doc_comment.hpp"
#include "lang/lua/query/function_info.hpp"

namespace moonring::lua::query {

namespace {

class Summarizer {
 public:
  Summarizer(const Tree& t, const FileBinding& b, FileSummary& out)
      : t_(t), b_(b), out_(out), owners_(t, b) {}

  void run() {
    ModuleShape shape = module_shape(t_, b_);
    out_.shape = shape.kind;
    collect_written_targets();
    functions_ = function_statement_targets(t_);
    for (const GlobalAccess& g : b_.globals) {
      NameId name = out_.names.intern(global_name(t_, g));
      bool write = g.kind == AccessKind::Set;
      bool declaration = write && is_function_statement(g.node);
      out_.globals.push_back({name, g.range, write, declaration});
      if (write && t_.kind(g.node) == NodeKind::Name) {
        NodeId fn = function_bound_at(t_, g.range);
        if (fn != kNoNode)
          out_.global_functions.push_back(definition(name, g.range, fn, false, declaration));
        if (shape.kind == ModuleShape::Environment)
          out_.members.push_back(definition(name, g.range, fn, false, declaration));
      }
    }
    for (NodeId id = 0; id < t_.node_count(); ++id) visit(id, shape);
    // Free names where _ENV is a local table: keys of that table, as `_ENV.name` would be.
    for (const NameRef& r : b_.refs)
      if (r.target == RefTarget::EnvField) env_key(r);
    auto by_start = [](const auto& x, const auto& y) { return x.range.start < y.range.start; };
    std::sort(out_.members.begin(), out_.members.end(), by_start);
    std::sort(out_.member_uses.begin(), out_.member_uses.end(), by_start);
    std::sort(out_.required.begin(), out_.required.end(), by_start);
  }

 private:
  FileSummary::Definition definition(NameId name, Range range, NodeId fn, bool method,
                                     bool declaration) {
    FileSummary::Definition d{name, range, fn != kNoNode, method, declaration, {}, {}};
    if (fn != kNoNode) d.params = parameter_list(t_, fn);
    d.doc = doc_comment(t_, range);
    return d;
  }

  void collect_written_targets() {
    for (NodeId id = 0; id < t_.node_count(); ++id) {
      NodeKind k = t_.kind(id);
      if (k == NodeKind::Assign) {
        for (NodeId target : t_.assign(id).targets) written_.push_back(target);
      } else if (k == NodeKind::Function && t_.function(id).method == kNoNode) {
        written_.push_back(t_.function(id).target);
      }
    }
    std::sort(written_.begin(), written_.end());
  }

  bool written(NodeId id) const { return std::binary_search(written_.begin(), written_.end(), id); }
  bool is_function_statement(NodeId id) const {
    return std::binary_search(functions_.begin(), functions_.end(), id);
  }

  // A key `name` (a Name node) of the table `object` evaluates to.
  // `field` is the Field node (kNoNode for a method), which tells a function statement's name.
  void key_of(NodeId field, NodeId object, NodeId name, bool write, bool method) {
    if (name == kNoNode) return;
    // `_ENV.x` of a module-as-environment file: a global access, a member as such (run()).
    if (out_.shape == ModuleShape::Environment && t_.kind(object) == NodeKind::Name) {
      const NameRef* ref = b_.ref_at(t_.node(object).start);
      if (ref != nullptr && ref->target == RefTarget::Env) return;
    }
    Owner o = owners_.of(object);
    if (!o.path.empty()) return;
    if (o.this_module && write) {
      Range r = t_.range(name);
      bool declaration = method || is_function_statement(field);
      out_.members.push_back(definition(out_.names.intern(t_.name_text(name)), r,
                                        function_bound_at(t_, r), method, declaration));
    } else if (o.this_module) {
      out_.member_uses.push_back(
          {kNoNode, out_.names.intern(t_.name_text(name)), t_.range(name), false});
    } else if (!o.module.empty()) {
      out_.member_uses.push_back({out_.names.intern(o.module),
                                  out_.names.intern(t_.name_text(name)), t_.range(name), write});
    }
  }

  void env_key(const NameRef& r) {
    Owner o = owners_.of_local(r.local);
    if (!o.path.empty()) return;
    NameId name = out_.names.intern(t_.name_text(r.node));
    if (o.this_module && r.write) {
      out_.members.push_back(definition(name, r.range, function_bound_at(t_, r.range), false,
                                        is_function_statement(r.node)));
    } else if (o.this_module) {
      out_.member_uses.push_back({kNoNode, name, r.range, false});
    } else if (!o.module.empty()) {
      out_.member_uses.push_back({out_.names.intern(o.module), name, r.range, r.write});
    }
  }

  void table_keys(NodeId table) {
    for (NodeId field : t_.table_fields(table)) {
      TableFieldView v = t_.table_field(field);
      if (v.kind != FieldKind::Named) continue;
      Range r = t_.range(v.key);
      out_.members.push_back(definition(out_.names.intern(t_.name_text(v.key)), r,
                                        function_bound_at(t_, r), false, true));
    }
  }

  void visit(NodeId id, const ModuleShape& shape) {
    switch (t_.kind(id)) {
      case NodeKind::Field:
        key_of(id, t_.field(id).object, t_.field(id).name, written(id), false);
        return;
      case NodeKind::MethodCall:
        key_of(kNoNode, t_.method_call(id).object, t_.method_call(id).name, false, false);
        return;
      case NodeKind::Function: {
        FunctionView f = t_.function(id);
        if (f.method != kNoNode) key_of(kNoNode, f.target, f.method, true, true);
        return;
      }
      case NodeKind::Call: {
        std::string_view m = required_name(t_, b_, id);
        if (!m.empty())
          out_.required.push_back({out_.names.intern(m), t_.range(t_.call(id).args[0])});
        return;
      }
      case NodeKind::Table:
        if (shape.kind == ModuleShape::Constructor && shape.table == id) table_keys(id);
        return;
      case NodeKind::Local: {
        if (shape.kind != ModuleShape::LocalTable) return;
        LocalView v = t_.local(id);
        for (std::size_t i = 0; i < v.names.size() && i < v.values.size(); ++i)
          if (b_.local_declared_at(t_.node(v.names[i]).start) == shape.local &&
              t_.kind(v.values[i]) == NodeKind::Table)
            table_keys(v.values[i]);
        return;
      }
      default:
        return;
    }
  }

  const Tree& t_;
  const FileBinding& b_;
  FileSummary& out_;
  Owners owners_;
  std::vector<NodeId> written_;
  std::vector<NodeId> functions_;
};

}  // namespace

FileSummary summarize(const Tree& tree, const FileBinding& binding) {
  FileSummary out;
  Summarizer(tree, binding, out).run();
  return out;
}

std::size_t FileSummary::memory_bytes() const {
  std::size_t n = sizeof(*this) + globals.capacity() * sizeof(Global) +
                  required.capacity() * sizeof(Require) +
                  member_uses.capacity() * sizeof(MemberUse);
  for (const auto& d : members) n += sizeof(d) + d.params.capacity() + d.doc.capacity();
  for (const auto& d : global_functions) n += sizeof(d) + d.params.capacity() + d.doc.capacity();
  for (NameId i = 0; i < names.size(); ++i) n += names.text(i).size() + 8;
  return n;
}

}  // namespace moonring::lua::query
