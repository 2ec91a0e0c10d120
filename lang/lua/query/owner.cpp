// Owners of fields, read from the expression a field hangs on: name chains, require calls and
// `self` (the method's table); the module shape from the chunk's last statement.
#include "lang/lua/query/owner.hpp"

#include <vector>

#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

// The Local statement that declares the name at decl (its name's index in it), if any.
struct LocalDecl {
  NodeId statement = kNoNode;
  std::size_t index = 0;
};

LocalDecl local_statement(const Tree& t, Range decl) {
  std::vector<NodeId> path = path_at(t, decl.start);
  for (std::size_t i = path.size(); i-- > 0;) {
    if (t.kind(path[i]) != NodeKind::Local) continue;
    LocalView v = t.local(path[i]);
    for (std::size_t k = 0; k < v.names.size(); ++k)
      if (t.node(v.names[k]).start == decl.start) return {path[i], k};
    return {};
  }
  return {};
}

// The Function statement (function a.b:m()) whose method name is at `decl`, for `self`.
NodeId method_statement(const Tree& t, Range decl) {
  std::vector<NodeId> path = path_at(t, decl.start);
  for (std::size_t i = path.size(); i-- > 0;)
    if (t.kind(path[i]) == NodeKind::Function) return path[i];
  return kNoNode;
}

}  // namespace

Owners::Owners(const Tree& t, const FileBinding& b) : t_(t), b_(b) {
  ModuleShape shape = module_shape(t, b);
  if (shape.kind == ModuleShape::LocalTable) module_local_ = shape.local;
  environment_ = shape.kind == ModuleShape::Environment;
}

Owner Owners::of(NodeId e, int depth) {
  // Chains are walked left to right by recursion; a bound keeps a pathological
  // self-referencing `self` chain finite.
  if (e == kNoNode || depth > 64) return {};
  switch (t_.kind(e)) {
    case NodeKind::Name: {
      const NameRef* ref = b_.ref_at(t_.node(e).start);
      if (ref == nullptr) return {};
      if (ref->target == RefTarget::Local) return of_local(ref->local, depth + 1);
      Owner o;
      // `_ENV` of a module-as-environment file is its module (`_ENV.f = f` sets a member).
      if (ref->target == RefTarget::Env && environment_) o.this_module = true;
      if (ref->target == RefTarget::Global) o.global = std::string(t_.name_text(e));
      return o;
    }
    case NodeKind::Field: {
      FieldView f = t_.field(e);
      Owner o = of(f.object, depth + 1);
      if (!o.known() || f.name == kNoNode) return {};
      if (!o.path.empty()) o.path += '.';
      o.path += t_.name_text(f.name);
      return o;
    }
    case NodeKind::Paren:
      return of(t_.child(e), depth + 1);
    case NodeKind::Call: {
      Owner o;
      o.module = std::string(required_name(t_, b_, e));
      return o;
    }
    default:
      return {};
  }
}

Owner Owners::of_local(LocalId id, int depth) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  Owner o = compute_local(id, depth);
  cache_.emplace(id, o);
  return o;
}

Owner Owners::of_target(NodeId target, bool declared) {
  if (!declared) return of(target);
  LocalId id = b_.local_declared_at(t_.node(target).start);
  return id == kNoLocal ? Owner{} : of_local(id);
}

Owner Owners::compute_local(LocalId id, int depth) {
  const LocalInfo& info = b_.locals[id];
  Owner o;
  if (info.kind == LocalKind::Self) {
    NodeId fn = method_statement(t_, info.decl);
    if (fn != kNoNode) return of(t_.function(fn).target, depth + 1);
    return o;
  }
  if (id == module_local_) {
    o.this_module = true;
    return o;
  }
  if (info.kind == LocalKind::Local) {
    LocalDecl d = local_statement(t_, info.decl);
    if (d.statement != kNoNode) {
      LocalView v = t_.local(d.statement);
      if (d.index < v.values.size()) {
        std::string_view m = required_name(t_, b_, v.values[d.index]);
        if (!m.empty()) {
          o.module = std::string(m);
          return o;
        }
      }
    }
  }
  o.local = id;
  return o;
}

std::string_view required_name(const Tree& t, const FileBinding& b, NodeId e) {
  while (e != kNoNode && t.kind(e) == NodeKind::Paren) e = t.child(e);
  if (e == kNoNode || t.kind(e) != NodeKind::Call) return {};
  CallView c = t.call(e);
  if (c.callee == kNoNode || t.kind(c.callee) != NodeKind::Name || c.args.size() != 1) return {};
  if (t.kind(c.args[0]) != NodeKind::String || t.name_text(c.callee) != "require") return {};
  const NameRef* ref = b.ref_at(t.node(c.callee).start);
  if (ref == nullptr || ref->target != RefTarget::Global) return {};
  return t.string_value(c.args[0]);
}

ModuleShape module_shape(const Tree& t, const FileBinding& b) {
  ModuleShape shape;
  if (t.root() == kNoNode) return shape;
  auto stats = t.statements(t.root());
  if (!stats.empty() && t.kind(stats.back()) == NodeKind::Return) {
    auto values = t.return_values(stats.back());
    if (values.size() == 1) {
      NodeId v = values[0];
      if (t.kind(v) == NodeKind::Table) {
        shape.kind = ModuleShape::Constructor;
        shape.table = v;
        return shape;
      }
      if (t.kind(v) == NodeKind::Name) {
        const NameRef* ref = b.ref_at(t.node(v).start);
        if (ref != nullptr && ref->target == RefTarget::Local) {
          shape.kind = ModuleShape::LocalTable;
          shape.local = ref->local;
          return shape;
        }
        if (ref != nullptr && (ref->target == RefTarget::Env || t.name_text(v) == "_ENV")) {
          shape.kind = ModuleShape::Environment;
          return shape;
        }
      }
    }
  }
  // No returned table: a chunk-level `_ENV = m.module(...)` (NSE) or `module(...)` (5.1) makes
  // the file's globals its members.
  for (NodeId s : stats) {
    if (t.kind(s) == NodeKind::Assign) {
      for (NodeId target : t.assign(s).targets)
        if (t.kind(target) == NodeKind::Name && t.name_text(target) == "_ENV")
          shape.kind = ModuleShape::Environment;
    } else if (t.kind(s) == NodeKind::CallStat) {
      NodeId call = t.child(s);
      if (call != kNoNode && t.kind(call) == NodeKind::Call) {
        NodeId callee = t.call(call).callee;
        if (callee != kNoNode && t.kind(callee) == NodeKind::Name &&
            t.name_text(callee) == "module")
          shape.kind = ModuleShape::Environment;
      }
    }
  }
  return shape;
}

Owner owner_of(const Tree& t, const FileBinding& b, NodeId expr) {
  return Owners(t, b).of(expr);
}

}  // namespace moonring::lua::query
