// Symbols: the name at an offset read from the path of nodes above it, and its occurrences found
// in one pass over the node array (fields compare interned name ids before their owners).
#include "lang/lua/query/symbol.hpp"

#include <algorithm>
#include <span>
#include <unordered_map>

#include "lang/lua/query/function_info.hpp"
#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

SymbolKind kind_of_local(LocalKind k) {
  return k == LocalKind::Param || k == LocalKind::Self ? SymbolKind::Parameter : SymbolKind::Local;
}

// Every Field / Function target node that is assigned (x.y = v, function x.y() end).
std::vector<NodeId> written_targets(const Tree& t) {
  std::vector<NodeId> out;
  for (NodeId id = 0; id < t.node_count(); ++id) {
    NodeKind k = t.kind(id);
    if (k == NodeKind::Assign) {
      for (NodeId target : t.assign(id).targets) out.push_back(target);
    } else if (k == NodeKind::Function && t.function(id).method == kNoNode) {
      out.push_back(t.function(id).target);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Calls fn(table, owner-target, declared) for each table constructor that initialises a name.
template <class Fn>
void for_each_owned_table(const Tree& t, NodeId id, Fn&& fn) {
  NodeKind k = t.kind(id);
  if (k == NodeKind::Local) {
    LocalView v = t.local(id);
    for (std::size_t i = 0; i < v.values.size() && i < v.names.size(); ++i)
      if (t.kind(v.values[i]) == NodeKind::Table) fn(v.values[i], v.names[i], true);
  } else if (k == NodeKind::Assign) {
    AssignView v = t.assign(id);
    for (std::size_t i = 0; i < v.values.size() && i < v.targets.size(); ++i)
      if (t.kind(v.values[i]) == NodeKind::Table) fn(v.values[i], v.targets[i], false);
  }
}

NodeId returned_table(const Tree& t) {
  if (t.root() == kNoNode) return kNoNode;
  auto stats = t.statements(t.root());
  if (stats.empty() || t.kind(stats.back()) != NodeKind::Return) return kNoNode;
  auto values = t.return_values(stats.back());
  if (values.size() != 1 || t.kind(values[0]) != NodeKind::Table) return kNoNode;
  return values[0];
}

// What reading a symbol needs beyond its path, made once per file when every name is read.
class Context {
 public:
  Context(const Tree& t, const FileBinding& b) : t_(t), b_(b) {}

  NodeId returned() {
    if (!returned_) returned_ = returned_table(t_);
    return *returned_;
  }
  bool environment() {
    if (!environment_) environment_ = module_shape(t_, b_).kind == ModuleShape::Environment;
    return *environment_;
  }
  // Whether the global `name` is a member of this file's module (its environment sets it).
  bool exported_global(std::string_view name) {
    if (!environment()) return false;
    if (!set_) {
      set_.emplace();
      for (const GlobalAccess& g : b_.globals)
        if (g.kind == AccessKind::Set) set_->push_back(global_name(t_, g));
      std::sort(set_->begin(), set_->end());
    }
    return std::binary_search(set_->begin(), set_->end(), name);
  }
  // FileBinding::ref_at for offsets asked mostly in ascending order (a walk of every name): a
  // step on from the last answer, a search only when the offset goes back.
  const NameRef* ref_at(std::uint32_t offset) {
    const std::vector<NameRef>& refs = b_.refs;
    if (next_ref_ > 0 && refs[next_ref_ - 1].range.start > offset)
      next_ref_ = static_cast<std::size_t>(
          std::upper_bound(refs.begin(), refs.end(), offset,
                           [](std::uint32_t o, const NameRef& r) { return o < r.range.start; }) -
          refs.begin());
    while (next_ref_ < refs.size() && refs[next_ref_].range.start <= offset) ++next_ref_;
    if (next_ref_ == 0 || offset >= refs[next_ref_ - 1].range.end) return nullptr;
    return &refs[next_ref_ - 1];
  }

 protected:
  Owners& owners() {
    if (!owners_) owners_.emplace(t_, b_);
    return *owners_;
  }
  const Tree& t_;
  const FileBinding& b_;

 private:
  std::optional<Owners> owners_;
  std::optional<NodeId> returned_;
  std::optional<bool> environment_;
  std::optional<std::vector<std::string_view>> set_;
  std::size_t next_ref_ = 0;  // ref_at: the first ref starting after the last offset asked
};

// symbol_at's: Symbols with Owners (strings).
class OwnedContext : public Context {
 public:
  using Sym = Symbol;
  using Context::Context;
  Owner of(NodeId expr) { return owners().of(expr); }
  Owner of_local(LocalId id) { return owners().of_local(id); }
  Owner of_target(NodeId target, bool declared) { return owners().of_target(target, declared); }
  static bool no_path(const Owner& o) { return o.path.empty(); }
};

// The walk's: SymbolViews with OwnerKeys, read as Owners::of reads an expression, a local's
// owner taken from Owners (once per local) and its spellings kept in the walk.
class KeyContext : public Context {
 public:
  using Sym = SymbolView;
  KeyContext(const Tree& t, const FileBinding& b, SymbolWalk& walk) : Context(t, b), walk_(walk) {}

  OwnerKey of(NodeId e, int depth = 0) {
    if (e == kNoNode || depth > 64) return {};
    switch (t_.kind(e)) {
      case NodeKind::Name: {
        const NameRef* ref = b_.ref_at(t_.node(e).start);
        if (ref == nullptr) return {};
        if (ref->target == RefTarget::Local) return of_local(ref->local);
        OwnerKey o;
        if (ref->target == RefTarget::Env && environment()) o.this_module = true;
        if (ref->target == RefTarget::Global) o.global = t_.name_text(e);
        return o;
      }
      case NodeKind::Field: {
        FieldView f = t_.field(e);
        OwnerKey o = of(f.object, depth + 1);
        if (!o.known() || f.name == kNoNode) return {};
        o.path = step(o.path, t_.name_id(f.name));
        return o;
      }
      case NodeKind::Paren:
        return of(t_.child(e), depth + 1);
      case NodeKind::Call: {
        OwnerKey o;
        o.module = required_name(t_, b_, e);
        return o;
      }
      default:
        return {};
    }
  }
  OwnerKey of_local(LocalId id) {
    auto [it, fresh] = locals_.try_emplace(id);
    if (fresh) it->second = key(owners().of_local(id));
    return it->second;
  }
  OwnerKey of_target(NodeId target, bool declared) {
    if (!declared) return of(target);
    LocalId id = b_.local_declared_at(t_.node(target).start);
    return id == kNoLocal ? OwnerKey{} : of_local(id);
  }
  static bool no_path(const OwnerKey& o) { return o.path == 0; }

 private:
  // The path id of `parent`'s keys then the name `key`, the same id for the same keys.
  std::uint32_t step(std::uint32_t parent, NameId key) {
    auto [it, fresh] = steps_.try_emplace(std::uint64_t{parent} << 32 | key, 0);
    if (fresh) it->second = walk_.add_path(parent, t_.names().text(key));
    return it->second;
  }
  std::string_view spelling(const std::string& text) {
    if (text.empty()) return {};
    NameId id = t_.names().find(text);
    return id != kNoNode ? t_.names().text(id) : walk_.keep(text);
  }
  OwnerKey key(const Owner& o) {
    OwnerKey k;
    k.local = o.local;
    k.global = spelling(o.global);
    k.module = o.module.empty() ? std::string_view() : walk_.keep(o.module);
    k.this_module = o.this_module;
    std::string_view rest = o.path;
    while (!rest.empty()) {
      const std::size_t dot = std::min(rest.find('.'), rest.size());
      const NameId name = t_.names().find(rest.substr(0, dot));
      if (name == kNoNode) return {};  // not a key of this tree: cannot happen
      k.path = step(k.path, name);
      rest.remove_prefix(std::min(dot + 1, rest.size()));
    }
    return k;
  }

  SymbolWalk& walk_;
  std::unordered_map<LocalId, OwnerKey> locals_;
  std::unordered_map<std::uint64_t, std::uint32_t> steps_;
};

// The symbol of the Name node at the end of `path` (the nodes from the root down to it).
template <class Cx>
std::optional<typename Cx::Sym> symbol_on(const Tree& t, const FileBinding& b, Cx& cx,
                                          std::span<const NodeId> path) {
  if (path.size() < 2 || t.kind(path.back()) != NodeKind::Name) return std::nullopt;
  const NodeId n = path.back();
  const NodeId parent = path[path.size() - 2];
  typename Cx::Sym s;
  s.range = t.range(n);
  s.name = t.name_text(n);
  const NodeId grand = path.size() >= 3 ? path[path.size() - 3] : kNoNode;
  switch (t.kind(parent)) {
    case NodeKind::Field: {
      FieldView f = t.field(parent);
      if (f.name != n) break;
      s.kind = SymbolKind::Field;
      s.owner = cx.of(f.object);
      bool target =
          grand != kNoNode &&
          ((t.kind(grand) == NodeKind::Function && t.function(grand).target == parent) ||
           (t.kind(grand) == NodeKind::Assign &&
            std::ranges::find(t.assign(grand).targets, parent) != t.assign(grand).targets.end()));
      s.write = target;
      s.exported = s.owner.this_module && Cx::no_path(s.owner);
      return s;
    }
    case NodeKind::MethodCall:
      if (t.method_call(parent).name != n) break;
      s.kind = SymbolKind::Method;
      s.owner = cx.of(t.method_call(parent).object);
      s.exported = s.owner.this_module && Cx::no_path(s.owner);
      return s;
    case NodeKind::Function:
      if (t.function(parent).method != n) break;
      s.kind = SymbolKind::Method;
      s.owner = cx.of(t.function(parent).target);
      s.write = s.declaration = true;
      s.exported = s.owner.this_module && Cx::no_path(s.owner);
      return s;
    case NodeKind::TableField: {
      // A value or a bracketed key is the variable it names (below); only a named key is a field.
      if (t.table_field(parent).key != n || t.table_field(parent).kind != FieldKind::Named) break;
      s.kind = SymbolKind::Field;
      s.write = s.declaration = true;
      // The table's owner: what the constructor initialises (grand is the Table).
      if (path.size() >= 4) {
        NodeId holder = path[path.size() - 4];
        if (holder == t.root() || t.kind(holder) == NodeKind::Return) {
          if (grand == cx.returned()) s.owner.this_module = true;
        }
        for_each_owned_table(t, holder, [&](NodeId table, NodeId target, bool declared) {
          if (table == grand) s.owner = cx.of_target(target, declared);
        });
      }
      s.exported = s.owner.this_module && Cx::no_path(s.owner);
      return s;
    }
    case NodeKind::Goto:
    case NodeKind::Label:
      s.kind = SymbolKind::Label;
      s.declaration = s.write = t.kind(parent) == NodeKind::Label;
      return s;
    default:
      break;
  }
  if (const NameRef* ref = cx.ref_at(t.node(n).start)) {
    s.write = ref->write;
    switch (ref->target) {
      case RefTarget::Local:
        s.kind = kind_of_local(b.locals[ref->local].kind);
        s.local = ref->local;
        s.upvalue = ref->upvalue;
        return s;
      case RefTarget::Global:
        s.kind = SymbolKind::Global;
        s.exported = cx.exported_global(s.name);
        return s;
      case RefTarget::EnvField:
        // A key of the local table that is _ENV (bits.lua's `local _ENV = {}`, returned).
        s.kind = SymbolKind::Field;
        s.owner = cx.of_local(ref->local);
        s.exported = s.owner.this_module && Cx::no_path(s.owner);
        return s;
      case RefTarget::Env:
        return std::nullopt;
    }
  }
  LocalId id = b.local_declared_at(t.node(n).start);
  if (id == kNoLocal) return std::nullopt;
  s.kind = kind_of_local(b.locals[id].kind);
  s.local = id;
  s.write = s.declaration = true;
  return s;
}

}  // namespace

std::optional<Symbol> symbol_at(const Tree& t, const FileBinding& b, std::uint32_t offset) {
  std::vector<NodeId> path = path_at(t, offset);
  if (path.empty() || t.kind(path.back()) != NodeKind::Name) path = path_at(t, offset, true);
  OwnedContext cx(t, b);
  return symbol_on(t, b, cx, path);
}

std::string SymbolWalk::path(std::uint32_t id) const {
  std::vector<std::string_view> keys;
  for (; id != 0; id = steps_[id - 1].parent) keys.push_back(steps_[id - 1].key);
  std::string out;
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) {
    if (!out.empty()) out += '.';
    out += *k;
  }
  return out;
}

Owner SymbolWalk::owner(const OwnerKey& key) const {
  Owner o;
  o.local = key.local;
  o.global = std::string(key.global);
  o.module = std::string(key.module);
  o.this_module = key.this_module;
  o.path = path(key.path);
  return o;
}

Symbol SymbolWalk::symbol(std::size_t i) const {
  const SymbolView& v = symbols[i];
  Symbol s;
  s.kind = v.kind;
  s.range = v.range;
  s.name = std::string(v.name);
  s.local = v.local;
  s.upvalue = v.upvalue;
  s.write = v.write;
  s.declaration = v.declaration;
  s.owner = owner(v.owner);
  s.exported = v.exported;
  return s;
}

std::uint32_t SymbolWalk::add_path(std::uint32_t parent, std::string_view key) {
  steps_.push_back({parent, key});
  return static_cast<std::uint32_t>(steps_.size());
}

std::string_view SymbolWalk::keep(std::string text) {
  return kept_.emplace_back(std::move(text));
}

SymbolWalk symbol_walk(const Tree& t, const FileBinding& b, bool with_bound) {
  SymbolWalk walk;
  std::vector<SymbolView>& out = walk.symbols;
  if (t.root() == kNoNode) return walk;
  KeyContext cx(t, b, walk);
  std::size_t names = 0;
  for (NodeId id = 0; id < t.node_count(); ++id) names += t.kind(id) == NodeKind::Name ? 1 : 0;
  out.reserve(names);
  if (with_bound) walk.bound.reserve(names);
  // Depth first without recursion (chains of operators nest deeply): each frame's children are
  // kids[begin, end), the next to visit at `next`.
  struct Frame {
    std::size_t begin, next, end;
  };
  std::vector<NodeId> path{t.root()};
  std::vector<NodeId> kids;
  append_children(t, t.root(), kids);
  std::vector<Frame> stack{{0, 0, kids.size()}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.end) {
      kids.resize(f.begin);
      stack.pop_back();
      path.pop_back();
      continue;
    }
    const NodeId child = kids[f.next++];
    path.push_back(child);
    if (t.kind(child) == NodeKind::Name) {
      if (auto s = symbol_on(t, b, cx, path)) {
        out.push_back(*s);
        if (with_bound) walk.bound.push_back(s->write ? function_bound_on(t, path) : kNoNode);
      }
      path.pop_back();
      continue;
    }
    const std::size_t begin = kids.size();
    append_children(t, child, kids);
    stack.push_back({begin, begin, kids.size()});
  }
  // Source order; of two names at one offset, the one the walk met first. The walk is in source
  // order but where a function's body starts before its name: rarely unsorted.
  auto by_start = [](const SymbolView& x, const SymbolView& y) {
    return x.range.start < y.range.start;
  };
  if (std::is_sorted(out.begin(), out.end(), by_start) &&
      std::adjacent_find(out.begin(), out.end(), [](const SymbolView& x, const SymbolView& y) {
        return x.range.start == y.range.start;
      }) == out.end())
    return walk;
  // The order of the walk, then by start; the first of each start kept (with its bound function).
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return out[x].range.start < out[y].range.start;
  });
  std::vector<SymbolView> sorted;
  std::vector<NodeId> sorted_bound;
  for (std::uint32_t i : order) {
    if (!sorted.empty() && sorted.back().range.start == out[i].range.start) continue;
    sorted.push_back(out[i]);
    if (with_bound) sorted_bound.push_back(walk.bound[i]);
  }
  out = std::move(sorted);
  if (with_bound) walk.bound = std::move(sorted_bound);
  return walk;
}

std::vector<Symbol> all_symbols(const Tree& t, const FileBinding& b) {
  return all_symbols(t, b, nullptr);
}

std::vector<Symbol> all_symbols(const Tree& t, const FileBinding& b, std::vector<NodeId>* bound) {
  SymbolWalk walk = symbol_walk(t, b, bound != nullptr);
  std::vector<Symbol> out;
  out.reserve(walk.symbols.size());
  for (std::size_t i = 0; i < walk.symbols.size(); ++i) out.push_back(walk.symbol(i));
  if (bound != nullptr) *bound = std::move(walk.bound);
  return out;
}

namespace {

std::vector<Occurrence> occurrences_of(const Tree& t, const FileBinding& b, const Symbol& s);

// The other spelling of a member of a module-as-environment file: `x` for `_ENV.x` and back.
std::optional<Symbol> environment_twin(const Tree& t, const FileBinding& b, const Symbol& s) {
  if (!s.exported) return std::nullopt;
  Symbol twin = s;
  twin.exported = false;  // no twin of the twin
  if (s.kind == SymbolKind::Global) {
    twin.kind = SymbolKind::Field;
    twin.owner = Owner{};
    twin.owner.this_module = true;
    return twin;
  }
  if (s.kind != SymbolKind::Field || module_shape(t, b).kind != ModuleShape::Environment)
    return std::nullopt;
  twin.kind = SymbolKind::Global;
  twin.owner = Owner{};
  return twin;
}

}  // namespace

std::vector<Occurrence> occurrences(const Tree& t, const FileBinding& b, const Symbol& s) {
  std::vector<Occurrence> out = occurrences_of(t, b, s);
  if (auto twin = environment_twin(t, b, s)) {
    std::vector<Occurrence> more = occurrences_of(t, b, *twin);
    out.insert(out.end(), more.begin(), more.end());
    std::sort(out.begin(), out.end(), [](const Occurrence& x, const Occurrence& y) {
      return x.range.start < y.range.start;
    });
  }
  return out;
}

namespace {

std::vector<Occurrence> occurrences_of(const Tree& t, const FileBinding& b, const Symbol& s) {
  std::vector<Occurrence> out;
  switch (s.kind) {
    case SymbolKind::Local:
    case SymbolKind::Parameter: {
      const LocalInfo& info = b.locals[s.local];
      if (info.decl.end > info.decl.start) out.push_back({info.decl, true, true});
      for (const NameRef& r : b.refs)
        if (r.target == RefTarget::Local && r.local == s.local)
          out.push_back({r.range, r.write, false});
      break;
    }
    case SymbolKind::Global: {
      const std::vector<NodeId> functions = function_statement_targets(t);
      for (const GlobalAccess& g : b.globals)
        if (global_name(t, g) == s.name) {
          bool set = g.kind == AccessKind::Set;
          bool fn = set && std::binary_search(functions.begin(), functions.end(), g.node);
          out.push_back({g.range, set, fn});
        }
      break;
    }
    case SymbolKind::Label: {
      // Labels are visible in their function: the innermost function around the symbol.
      Range scope{0, static_cast<std::uint32_t>(t.source().size())};
      for (NodeId id : path_at(t, s.range.start))
        if (t.kind(id) == NodeKind::FunctionExpr) scope = t.range(id);
      for (NodeId id = 0; id < t.node_count(); ++id) {
        NodeKind k = t.kind(id);
        if (k != NodeKind::Goto && k != NodeKind::Label) continue;
        NodeId name = t.child(id);
        if (name == kNoNode || t.name_text(name) != s.name) continue;
        Range r = t.range(name);
        if (r.start < scope.start || r.end > scope.end) continue;
        bool inner = false;  // a label of a function nested in that scope is another label
        for (NodeId p : path_at(t, r.start))
          if (t.kind(p) == NodeKind::FunctionExpr && t.node(p).start > scope.start) inner = true;
        if (!inner) out.push_back({r, k == NodeKind::Label, k == NodeKind::Label});
      }
      break;
    }
    case SymbolKind::Field:
    case SymbolKind::Method: {
      if (!s.owner.known()) {
        out.push_back({s.range, s.write, s.declaration});
        break;
      }
      const NameId name = t.names().find(s.name);
      if (name == kNoNode) break;
      const std::vector<NodeId> written = written_targets(t);
      const std::vector<NodeId> functions = function_statement_targets(t);
      const NodeId returned = returned_table(t);
      Owners owners(t, b);
      auto same = [&](NodeId object) { return owners.of(object) == s.owner; };
      for (NodeId id = 0; id < t.node_count(); ++id) {
        switch (t.kind(id)) {
          case NodeKind::Field: {
            FieldView f = t.field(id);
            if (f.name == kNoNode || t.name_id(f.name) != name || !same(f.object)) break;
            bool w = std::binary_search(written.begin(), written.end(), id);
            bool fn = w && std::binary_search(functions.begin(), functions.end(), id);
            out.push_back({t.range(f.name), w, fn});
            break;
          }
          case NodeKind::MethodCall: {
            MethodCallView m = t.method_call(id);
            if (m.name != kNoNode && t.name_id(m.name) == name && same(m.object))
              out.push_back({t.range(m.name), false, false});
            break;
          }
          case NodeKind::Function: {
            FunctionView f = t.function(id);
            if (f.method != kNoNode && t.name_id(f.method) == name && same(f.target))
              out.push_back({t.range(f.method), true, true});
            break;
          }
          case NodeKind::Table: {
            bool mine = id == returned && s.owner.this_module && s.owner.path.empty();
            if (!mine) break;
            for (NodeId field : t.table_fields(id)) {
              TableFieldView v = t.table_field(field);
              if (v.kind == FieldKind::Named && t.name_id(v.key) == name)
                out.push_back({t.range(v.key), true, true});
            }
            break;
          }
          case NodeKind::Local:
          case NodeKind::Assign:
            for_each_owned_table(t, id, [&](NodeId table, NodeId target, bool declared) {
              bool has = false;
              for (NodeId field : t.table_fields(table)) {
                TableFieldView v = t.table_field(field);
                if (v.kind == FieldKind::Named && t.name_id(v.key) == name) has = true;
              }
              if (!has || !(owners.of_target(target, declared) == s.owner)) return;
              for (NodeId field : t.table_fields(table)) {
                TableFieldView v = t.table_field(field);
                if (v.kind == FieldKind::Named && t.name_id(v.key) == name)
                  out.push_back({t.range(v.key), true, true});
              }
            });
            break;
          default:
            break;
        }
      }
      // A free name where _ENV is a local table (`local _ENV = {}`) is a key of that table.
      if (s.kind == SymbolKind::Field)
        for (const NameRef& r : b.refs)
          if (r.target == RefTarget::EnvField && t.name_id(r.node) == name &&
              owners.of_local(r.local) == s.owner) {
            bool fn = r.write && std::binary_search(functions.begin(), functions.end(), r.node);
            out.push_back({r.range, r.write, fn});
          }
      break;
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Occurrence& x, const Occurrence& y) { return x.range.start < y.range.start; });
  return out;
}

}  // namespace

std::optional<Range> declaration(const Tree& t, const FileBinding& b, const Symbol& s) {
  if (s.kind == SymbolKind::Local || s.kind == SymbolKind::Parameter)
    return local_declaration(b, s.local);
  for (const Occurrence& o : occurrences(t, b, s))
    if (o.write || o.declaration) return o.range;
  return std::nullopt;
}

std::optional<Range> local_declaration(const FileBinding& b, LocalId local) {
  const Range& d = b.locals[local].decl;
  if (d.end > d.start) return d;
  return std::nullopt;
}

}  // namespace moonring::lua::query
