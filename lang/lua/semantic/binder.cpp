// The binder: one walk over the tree with a per-name "innermost visible local" array, so
// resolving a name is an array read and leaving a scope restores what its locals shadowed.
#include "lang/lua/semantic/binder.hpp"

#include <algorithm>
#include <vector>

#include "lang/lua/syntax/prefault.hpp"

namespace moonring::lua {

namespace {

class Binder {
 public:
  Binder(const Tree& tree, FileBinding& out, bool record_refs)
      : t_(tree), out_(out), record_refs_(record_refs) {
    env_mode_ = tree.version() != LuaVersion::Lua51 && tree.version() != LuaVersion::LuaJIT;
    env_name_ = tree.names().find("_ENV");
    self_name_ = tree.names().find("self");
    // Lua 5.1 (LUA_COMPAT_VARARG, as its stock luac is built) declares a local `arg` after the
    // params of every vararg function; LuaJIT does not.
    if (tree.version() == LuaVersion::Lua51) arg_name_ = tree.names().find("arg");
    visible_.assign(tree.names().size(), kNoLocal);
  }

  // A large tree's vectors are warmed ahead of the binder (see Prefaulter), regions by these
  // indices: told how far they are filled, and when their storage is about to move.
  static constexpr std::size_t kLocalsRegion = 0;
  static constexpr std::size_t kGlobalsRegion = 1;
  static constexpr std::size_t kRefsRegion = 2;
  void warm_with(Prefaulter& warm) {
    const auto watch = [&warm]<typename T>(std::size_t region, std::vector<T>& v) {
      return warm.watch(region, v.data(), v.capacity() * sizeof(T));
    };
    const bool locals = watch(kLocalsRegion, out_.locals);
    const bool globals = watch(kGlobalsRegion, out_.globals);
    const bool refs = record_refs_ && watch(kRefsRegion, out_.refs);
    if (locals || globals || refs) warm_ = &warm;
  }

  void run() {
    if (t_.root() == kNoNode) return;
    // The chunk is function 0 with scope 0; its locals live until the end of the file.
    active_.reserve(64);
    bind_statements(t_.root());
    if (!std::is_sorted(out_.refs.begin(), out_.refs.end(), [](const NameRef& a, const NameRef& b) {
          return a.range.start < b.range.start;
        }))
      std::stable_sort(out_.refs.begin(), out_.refs.end(), [](const NameRef& a, const NameRef& b) {
        return a.range.start < b.range.start;
      });
  }

 private:
  struct ScopeMark {
    std::size_t active;
    ScopeId scope;
  };

  ScopeMark open_scope() {
    ScopeMark mark{active_.size(), scope_};
    scope_ = out_.scope_count++;
    return mark;
  }

  void close_scope(ScopeMark mark) {
    while (active_.size() > mark.active) {
      LocalId id = active_.back();
      active_.pop_back();
      const LocalInfo& info = out_.locals[id];
      if (info.name < visible_.size()) visible_[info.name] = info.shadows;
    }
    scope_ = mark.scope;
  }

  // A new local becomes visible now (callers declare after binding the initialisers).
  LocalId declare(NameId name, Range decl, LocalKind kind, LocalAttrib attrib) {
    LocalInfo info;
    info.name = name;
    info.decl = decl;
    info.kind = kind;
    info.attrib = attrib;
    info.scope = scope_;
    info.function = function_;
    auto id = static_cast<LocalId>(out_.locals.size());
    if (name < visible_.size()) {
      info.shadows = visible_[name];
      visible_[name] = id;
    }
    if (out_.locals.size() == out_.locals.capacity() && warm_ != nullptr)
      warm_->retire(kLocalsRegion);
    out_.locals.push_back(info);
    in_body_.push_back(0);
    active_.push_back(id);
    return id;
  }

  LocalId declare_name(NodeId name, LocalKind kind) {
    return declare(t_.name_id(name), t_.range(name), kind, t_.attrib(name));
  }

  void use_local(LocalId id, bool write, Range range) {
    LocalInfo& info = out_.locals[id];
    if (info.function != function_) info.captured = true;
    if (write) {
      ++info.writes;
      if (info.attrib != LocalAttrib::None) out_.const_writes.push_back({id, range});
    } else if (in_body_[id]) {
      ++info.self_reads;
    } else {
      ++info.reads;
    }
  }

  // A Name used as a variable: resolve it and record the reference.
  RefTarget resolve(NodeId name, bool write) {
    NameRef ref;
    ref.node = name;
    ref.range = t_.range(name);
    ref.write = write;
    NameId id = t_.name_id(name);
    LocalId local = visible_[id];
    if (local != kNoLocal) {
      ref.target = RefTarget::Local;
      ref.local = local;
      ref.upvalue = out_.locals[local].function != function_;
      use_local(local, write, ref.range);
    } else if (env_mode_ && id == env_name_) {
      ref.target = RefTarget::Env;  // the chunk's implicit upvalue
    } else if (env_mode_ && env_name_ != kNoNode && visible_[env_name_] != kNoLocal) {
      // x means _ENV.x, and _ENV is a local here: a field of it, read through the local.
      ref.target = RefTarget::EnvField;
      ref.local = visible_[env_name_];
      use_local(ref.local, false, ref.range);
    } else {
      ref.target = RefTarget::Global;
      add_global({name, write ? AccessKind::Set : AccessKind::Get, ref.range});
    }
    if (record_refs_) {
      if (out_.refs.size() == out_.refs.capacity() && warm_ != nullptr) warm_->retire(kRefsRegion);
      out_.refs.push_back(ref);
    }
    return ref.target;
  }

  // _ENV.x / _ENV["x"] with _ENV the chunk's upvalue is the global x, as luac compiles it.
  // `key` is the field's Name, or the index expression (only a string constant counts).
  void env_key_access(NodeId key, bool write) {
    if (key == kNoNode) return;
    AccessKind kind = write ? AccessKind::Set : AccessKind::Get;
    add_global({key, kind, t_.range(key)});
  }

  void add_global(const GlobalAccess& access) {
    const std::size_t n = out_.globals.size();
    if (n == out_.globals.capacity() && warm_ != nullptr) warm_->retire(kGlobalsRegion);
    // Progress inside a statement too: one statement can be the whole file (`x = a + a + ...`).
    if (n % 4096 == 0 && warm_ != nullptr) note_filled();
    out_.globals.push_back(access);
  }

  bool is_env_name(NodeId object) const {
    if (!env_mode_ || t_.kind(object) != NodeKind::Name) return false;
    NameId id = t_.name_id(object);
    return id == env_name_ && visible_[id] == kNoLocal;
  }

  // An assignment target or a function statement's name.
  void bind_target(NodeId target) {
    switch (t_.kind(target)) {
      case NodeKind::Name:
        resolve(target, /*write=*/true);
        return;
      case NodeKind::Field: {
        FieldView f = t_.field(target);
        bool env = is_env_name(f.object);
        bind_expr(f.object);
        if (env) env_key_access(f.name, true);
        return;
      }
      case NodeKind::Index: {
        IndexView x = t_.index(target);
        bool env = is_env_name(x.object);
        bind_expr(x.object);
        bind_expr(x.key);
        if (env && t_.kind(x.key) == NodeKind::String) env_key_access(x.key, true);
        return;
      }
      default:
        bind_expr(target);
        return;
    }
  }

  void bind_list(std::span<const NodeId> exprs) {
    for (NodeId e : exprs) bind_expr(e);
  }

  // The left spine of an expression (a + b + c, a.b.c, f()()) is as long as the source makes
  // it, so it is walked with a loop; only the right-hand parts recurse, and their depth is
  // bounded by the parser (luac's limit of 200 nested levels).
  static bool on_spine(NodeKind k) {
    return k == NodeKind::Binary || k == NodeKind::Index || k == NodeKind::Field ||
           k == NodeKind::MethodCall || k == NodeKind::Call;
  }

  NodeId spine_child(NodeId e) const {
    switch (t_.kind(e)) {
      case NodeKind::Binary:
        return t_.binary(e).left;
      case NodeKind::Index:
        return t_.index(e).object;
      case NodeKind::Field:
        return t_.field(e).object;
      case NodeKind::MethodCall:
        return t_.method_call(e).object;
      default:
        return t_.call(e).callee;
    }
  }

  void bind_expr(NodeId e) {
    if (e == kNoNode) return;
    const std::size_t base = spine_.size();
    while (e != kNoNode && on_spine(t_.kind(e))) {
      spine_.push_back(e);
      e = spine_child(e);
    }
    bind_operand(e);
    // Innermost first, so references stay in source order. Indexes, not iterators: the
    // recursion below may grow spine_ (and shrinks it back to its own base).
    for (std::size_t i = spine_.size(); i-- > base;) bind_spine_rest(spine_[i]);
    spine_.resize(base);
  }

  // What a spine node holds besides its left child (already bound).
  void bind_spine_rest(NodeId e) {
    switch (t_.kind(e)) {
      case NodeKind::Binary:
        bind_expr(t_.binary(e).right);
        return;
      case NodeKind::Index: {
        IndexView x = t_.index(e);
        bind_expr(x.key);
        if (is_env_name(x.object) && t_.kind(x.key) == NodeKind::String)
          env_key_access(x.key, false);
        return;
      }
      case NodeKind::Field: {
        FieldView f = t_.field(e);
        if (is_env_name(f.object)) env_key_access(f.name, false);
        return;
      }
      case NodeKind::MethodCall:
        bind_list(t_.method_call(e).args);
        return;
      default:
        bind_list(t_.call(e).args);
        return;
    }
  }

  void bind_operand(NodeId e) {
    if (e == kNoNode) return;
    switch (t_.kind(e)) {
      case NodeKind::Name:
        resolve(e, false);
        return;
      case NodeKind::FunctionExpr:
        bind_function(e, Range{t_.node(e).start, t_.node(e).start});
        return;
      case NodeKind::Table:
        for (NodeId f : t_.table_fields(e)) {
          TableFieldView field = t_.table_field(f);
          if (field.kind == FieldKind::Bracketed) bind_expr(field.key);
          bind_expr(field.value);
        }
        return;
      case NodeKind::Unary:
        bind_expr(t_.unary(e).operand);
        return;
      case NodeKind::Paren:
        bind_expr(t_.child(e));
        return;
      default:
        return;  // literals, `...`, Error
    }
  }

  // A function body: params (and `self`) share one scope with the body's own locals, as in Lua.
  void bind_function(NodeId fn, Range self_decl) {
    FunctionExprView f = t_.function_expr(fn);
    FunctionId saved = function_;
    function_ = out_.function_count++;
    ScopeMark mark = open_scope();
    if (f.is_method) {
      declare(self_name_, self_decl, LocalKind::Self, LocalAttrib::None);
    }
    for (NodeId p : f.params)
      declare(t_.name_id(p), t_.range(p), LocalKind::Param, LocalAttrib::None);
    if (f.is_vararg && arg_name_ != kNoNode) {
      Range at{t_.node(fn).start, t_.node(fn).start};
      declare(arg_name_, at, LocalKind::Implicit, LocalAttrib::None);
    }
    bind_statements(f.block);
    close_scope(mark);
    function_ = saved;
  }

  void bind_block(NodeId block) {
    ScopeMark mark = open_scope();
    bind_statements(block);
    close_scope(mark);
  }

  void bind_statements(NodeId block) {
    if (block == kNoNode || t_.kind(block) != NodeKind::Block) return;
    for (NodeId s : t_.statements(block)) {
      bind_stat(s);
      if (warm_ != nullptr) note_filled();
    }
  }

  void note_filled() {
    warm_->filled(kLocalsRegion, out_.locals.size() * sizeof(LocalInfo));
    warm_->filled(kGlobalsRegion, out_.globals.size() * sizeof(GlobalAccess));
    warm_->filled(kRefsRegion, out_.refs.size() * sizeof(NameRef));
  }

  void bind_stat(NodeId s) {
    switch (t_.kind(s)) {
      case NodeKind::Local: {
        LocalView l = t_.local(s);
        bind_list(l.values);  // `local x = x` reads the outer x
        for (NodeId n : l.names) declare_name(n, LocalKind::Local);
        return;
      }
      case NodeKind::LocalFunction: {
        LocalFunctionView lf = t_.local_function(s);
        LocalId id = declare_name(lf.name, LocalKind::LocalFunction);  // visible in its body
        in_body_[id] = 1;
        bind_function(lf.body, t_.range(lf.name));
        in_body_[id] = 0;
        return;
      }
      case NodeKind::Function: {
        FunctionView f = t_.function(s);
        if (f.method != kNoNode) {
          bind_expr(f.target);  // function a.b:m() reads a.b
        } else {
          bind_target(f.target);  // function x() sets x; function a.b() reads a
        }
        Range self_decl = f.method != kNoNode ? t_.range(f.method) : t_.range(f.target);
        bind_function(f.body, self_decl);
        return;
      }
      case NodeKind::Assign: {
        AssignView a = t_.assign(s);
        for (NodeId target : a.targets) bind_target(target);
        bind_list(a.values);
        return;
      }
      case NodeKind::CallStat:
        bind_expr(t_.child(s));
        return;
      case NodeKind::Do:
        bind_block(t_.child(s));
        return;
      case NodeKind::While: {
        WhileView w = t_.while_loop(s);
        bind_expr(w.condition);
        bind_block(w.block);
        return;
      }
      case NodeKind::Repeat: {
        RepeatView r = t_.repeat(s);
        ScopeMark mark = open_scope();  // the condition sees the body's locals
        bind_statements(r.block);
        bind_expr(r.condition);
        close_scope(mark);
        return;
      }
      case NodeKind::If:
        for (NodeId c : t_.if_clauses(s)) {
          IfClauseView clause = t_.if_clause(c);
          bind_expr(clause.condition);
          bind_block(clause.block);
        }
        return;
      case NodeKind::NumericFor: {
        NumericForView f = t_.numeric_for(s);
        bind_expr(f.start);
        bind_expr(f.limit);
        bind_expr(f.step);
        ScopeMark mark = open_scope();
        if (f.variable != kNoNode && t_.kind(f.variable) == NodeKind::Name)
          declare_name(f.variable, LocalKind::LoopVar);
        bind_block(f.block);
        close_scope(mark);
        return;
      }
      case NodeKind::GenericFor: {
        GenericForView f = t_.generic_for(s);
        bind_list(f.values);
        ScopeMark mark = open_scope();
        for (NodeId n : f.names) declare_name(n, LocalKind::LoopVar);
        bind_block(f.block);
        close_scope(mark);
        return;
      }
      case NodeKind::Return:
        bind_list(t_.return_values(s));
        return;
      default:
        return;  // break, goto, label, Error
    }
  }

  const Tree& t_;
  FileBinding& out_;
  bool record_refs_ = true;
  bool env_mode_ = true;
  NameId env_name_ = kNoNode;
  NameId self_name_ = kNoNode;
  NameId arg_name_ = kNoNode;
  std::vector<LocalId> visible_;       // per NameId: the innermost visible local of that name
  std::vector<LocalId> active_;        // the visible locals, innermost last
  std::vector<std::uint8_t> in_body_;  // per LocalId: 1 while binding its own function body
  std::vector<NodeId> spine_;          // bind_expr's work list (see there)
  ScopeId scope_ = 0;
  FunctionId function_ = 0;
  Prefaulter* warm_ = nullptr;
};

}  // namespace

FileBinding bind(const Tree& tree, NameRefs refs) {
  FileBinding out;
  const bool record_refs = refs == NameRefs::Record;
  // A large tree's vectors are mapped pages of their own, whose untouched part costs address
  // space only: reserved for the densest code (a local per 3 nodes in `local function f(a, b)`,
  // a global read per 2 in `a + a + ...`), they never grow by copying. A small tree's come from
  // the heap: reserved for typical code.
  const std::size_t nodes = tree.node_count();
  const bool large = nodes * sizeof(Node) >= (std::size_t{1} << 20);
  if (large) {
    out.locals.reserve(nodes / 3);
    if (record_refs) out.refs.reserve(nodes / 2);
    out.globals.reserve(nodes / 2);
  } else {
    out.locals.reserve(nodes / 16);
    if (record_refs) out.refs.reserve(nodes / 4);
  }
  {
    Binder binder(tree, out, record_refs);
    // Makes pages resident, never changes a byte; stopped before the vectors can be freed.
    Prefaulter warm;
    if (large) binder.warm_with(warm);
    binder.run();
  }
  // Declarations come mostly in source order (not always: `local f = function (x) ... end`
  // declares x before f), so the sort is often skipped.
  out.locals_by_decl.resize(out.locals.size());
  for (LocalId id = 0; id < out.locals.size(); ++id) out.locals_by_decl[id] = id;
  const auto by_start = [&out](LocalId a, LocalId b) {
    return out.locals[a].decl.start < out.locals[b].decl.start;
  };
  if (!std::is_sorted(out.locals_by_decl.begin(), out.locals_by_decl.end(), by_start))
    std::stable_sort(out.locals_by_decl.begin(), out.locals_by_decl.end(), by_start);
  return out;
}

const NameRef* FileBinding::ref_at(std::uint32_t offset) const {
  auto it = std::upper_bound(refs.begin(), refs.end(), offset,
                             [](std::uint32_t o, const NameRef& r) { return o < r.range.start; });
  if (it == refs.begin()) return nullptr;
  --it;
  return offset < it->range.end ? &*it : nullptr;
}

// Declarations are names, which never overlap, or empty (the implicit `arg`): the one that covers
// `offset` is the last non-empty one starting at or before it, the lowest id of those at that
// start (a scan of every local was quadratic over a file's diagnostics).
LocalId FileBinding::local_declared_at(std::uint32_t offset) const {
  auto it =
      std::upper_bound(locals_by_decl.begin(), locals_by_decl.end(), offset,
                       [this](std::uint32_t o, LocalId id) { return o < locals[id].decl.start; });
  while (it != locals_by_decl.begin() && locals[*(it - 1)].decl.end == locals[*(it - 1)].decl.start)
    --it;
  if (it == locals_by_decl.begin()) return kNoLocal;
  const std::uint32_t start = locals[*(it - 1)].decl.start;
  while (it != locals_by_decl.begin() && locals[*(it - 1)].decl.start == start) --it;
  for (; it != locals_by_decl.end() && locals[*it].decl.start == start; ++it) {
    const Range& r = locals[*it].decl;
    if (offset < r.end) return *it;
  }
  return kNoLocal;
}

}  // namespace moonring::lua
