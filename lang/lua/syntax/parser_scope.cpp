// The compile-time checks luac makes beyond the grammar: scopes, upvalues, <const>, goto/labels,
// and the limits on locals and upvalues, each raised where lparser.c raises it.
#include "lang/lua/syntax/parser_impl.hpp"

namespace moonring::lua {

namespace {
constexpr std::uint32_t kMaxVars = 200;
}

std::string Parser::var_name(NameId id) const {
  switch (id) {
    case kHiddenForState:
      return "(for state)";
    case kHiddenFor51Index:
      return "(for index)";
    case kHiddenFor51Limit:
      return "(for limit)";
    case kHiddenFor51Step:
      return "(for step)";
    case kHiddenFor51Generator:
      return "(for generator)";
    case kHiddenFor51State:
      return "(for state)";
    case kHiddenFor51Control:
      return "(for control)";
    default:
      return std::string(out_.tree.names().text(id));
  }
}

std::string Parser::limit_where() const {
  const std::uint32_t line = funcs_.back().line_defined;
  if (version_ == LuaVersion::Lua51) {
    return line == 0 ? "main function" : std::string("function at line ") + std::to_string(line);
  }
  return line == 0 ? "main function" : std::string("function at line ") + std::to_string(line);
}

void Parser::open_func(std::uint32_t line_defined, bool is_vararg) {
  FuncState f;
  f.line_defined = line_defined;
  f.is_vararg = is_vararg;
  f.first_var = static_cast<std::uint32_t>(vars_.size());
  f.nactvar = 0;
  f.first_block = static_cast<std::uint32_t>(blocks_.size());
  f.first_label = static_cast<std::uint32_t>(labels_.size());
  f.first_goto = static_cast<std::uint32_t>(gotos_.size());
  f.saved_regs = regs_;
  regs_ = 0;
  funcs_.push_back(std::move(f));
  enter_block(false);
}

void Parser::close_func() {
  leave_block();
  regs_ = fs().saved_regs;
  truncate_vars(fs().first_var);
  funcs_.pop_back();
}

void Parser::enter_block(bool is_loop) {
  blocks_.push_back({fs().nactvar, fs().nreg_vars, static_cast<std::uint32_t>(labels_.size()),
                     static_cast<std::uint32_t>(gotos_.size()), is_loop});
}

void Parser::leave_block() {
  const BlockState bl = blocks_.back();
  FuncState& f = fs();
  f.nactvar = bl.nactvar;
  f.nreg_vars = bl.nreg_vars;
  truncate_vars(f.first_var + bl.nactvar);
  if (bl.is_loop && has_goto(version_)) create_label(kNoNode, 0, false, {});  // pending breaks
  labels_.resize(bl.first_label);
  blocks_.pop_back();
  if (blocks_.size() > f.first_block) {
    // Pending gotos leave the block: they now stand at its entry level.
    for (std::size_t i = bl.first_goto; i < gotos_.size(); ++i) gotos_[i].nactvar = bl.nactvar;
  } else if (bl.first_goto < gotos_.size()) {
    undef_goto(gotos_[bl.first_goto]);
    gotos_.resize(bl.first_goto);
  }
}

void Parser::new_localvar(NameId name) {
  const auto count = static_cast<std::uint32_t>(vars_.size()) - fs().first_var;
  if (count + 1 > kMaxVars && !errors_full()) {
    if (version_ == LuaVersion::Lua51) {
      error_at_line(limit_where() + " has more than 200 local variables", false);
    } else {
      error_at_line(std::string("too many local variables (limit is 200) in ") + limit_where(),
                    true);
    }
  }
  VarDesc var{name, VarKind::Reg, kNoVar};
  if (name < kHiddenForState) {  // hidden for-loop variables are never looked up by name
    if (name >= newest_var_.size()) newest_var_.resize(name + 1, kNoVar);
    var.prev_same_name = newest_var_[name];
    newest_var_[name] = static_cast<std::uint32_t>(vars_.size());
  }
  vars_.push_back(var);
}

void Parser::truncate_vars(std::size_t size) {
  while (vars_.size() > size) {
    const VarDesc& var = vars_.back();
    if (var.name < kHiddenForState) newest_var_[var.name] = var.prev_same_name;
    vars_.pop_back();
  }
}

void Parser::adjust_localvars(std::uint32_t n) {
  FuncState& f = fs();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (vars_[f.first_var + f.nactvar + i].kind != VarKind::CompileTimeConst) ++f.nreg_vars;
  }
  f.nactvar += n;
}

void Parser::check_stack(int n) {
  // luaK_checkstack: 5.4 fails at 255 registers (MAXREGS), 5.1 at 250 (MAXSTACK).
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  if (regs_ + n < (v51 ? 250 : 255) || regs_reported_) return;
  regs_reported_ = true;
  error_at_line(v51 ? "function or expression too complex"
                    : "function or expression needs too many registers",
                true);
}

void Parser::reserve_regs(int n) {
  check_stack(n);
  regs_ += n;
}

bool Parser::is_multret(NodeId e) const {
  NodeKind k = out_.tree.kind(e);
  return k == NodeKind::Call || k == NodeKind::MethodCall || k == NodeKind::Vararg;
}

void Parser::adjust_assign(std::uint32_t nvars, std::uint32_t nexps, NodeId last) {
  // lparser.c's adjust_assign: the last value goes to the next register (a vararg takes one even
  // when it gives all its values), then nils fill the missing ones.
  const int needed = static_cast<int>(nvars) - static_cast<int>(nexps);
  if (nexps > 0 && is_multret(last)) {
    if (out_.tree.kind(last) == NodeKind::Vararg) reserve_regs(1);
  } else if (nexps > 0) {
    reserve_regs(1);
  }
  if (needed > 0) {
    reserve_regs(needed);
  } else {
    regs_ += needed;
  }
}

Resolved Parser::resolve_name(std::size_t fsi, NameId name, bool base) {
  FuncState& f = funcs_[fsi];
  // The entries of this name, newest first: those of inner functions and declarations not active
  // yet (`local x = x`) are skipped; below first_var they belong to enclosing functions.
  std::uint32_t i = name < newest_var_.size() ? newest_var_[name] : kNoVar;
  for (; i != kNoVar && i >= f.first_var; i = vars_[i].prev_same_name) {
    if (i < f.first_var + f.nactvar) return {Resolved::Local, vars_[i].kind, name};
  }
  for (const UpvalDesc& u : f.upvals) {
    if (u.name == name) return {Resolved::Upval, u.kind, name};
  }
  if (fsi == 0) return {Resolved::Global, VarKind::Reg, name};
  Resolved r = resolve_name(fsi - 1, name, false);
  if (r.where == Resolved::Global || r.kind == VarKind::CompileTimeConst) return r;
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  const std::size_t limit = v51 ? 60 : 255;
  if (f.upvals.size() + 1 > limit) {
    const std::string where =
        f.line_defined == 0 ? std::string("main function")
                            : std::string("function at line ") + std::to_string(f.line_defined);
    if (v51) {
      error_at_line(where + " has more than 60 upvalues", false);
    } else {
      error_at_line(std::string("too many upvalues (limit is 255) in ") + where, true);
    }
  }
  f.upvals.push_back({name, r.kind});
  (void)base;
  return {Resolved::Upval, r.kind, name};
}

Resolved Parser::resolve(NodeId name_node) {
  const NameId name = out_.tree.name_id(name_node);
  Resolved r = resolve_name(funcs_.size() - 1, name, true);
  if (r.where == Resolved::Global && env_name_ != kNoNode) {
    resolve_name(funcs_.size() - 1, env_name_, true);  // a global goes through _ENV
  }
  return r;
}

void Parser::check_readonly(const Resolved& r, NodeId name) {
  if (r.where == Resolved::Global || r.kind == VarKind::Reg) return;
  if (!has_attribs(version_)) return;
  semantic_error(std::string("attempt to assign to const variable '") + var_name(r.name) + "'",
                 SyntaxErrorKind::AssignConst, out_.tree.range(name));
}

void Parser::new_goto(NameId name, std::uint32_t line, Range range) {
  gotos_.push_back({name, line, fs().nactvar, range});
}

void Parser::create_label(NameId name, std::uint32_t line, bool last, Range range) {
  // A label that ends its block (only no-op statements after it) stands outside the block's
  // locals, so a goto may jump to it over them.
  const std::uint32_t nactvar = last ? blocks_.back().nactvar : fs().nactvar;
  labels_.push_back({name, line, nactvar, range});
  for (std::size_t i = blocks_.back().first_goto; i < gotos_.size();) {
    if (gotos_[i].name != name) {
      ++i;
      continue;
    }
    const LabelDesc g = gotos_[i];
    gotos_.erase(gotos_.begin() + static_cast<std::ptrdiff_t>(i));
    if (g.nactvar < nactvar) {
      semantic_error(std::string("<goto ") + var_name(g.name) + "> at line " +
                         std::to_string(g.line) + " jumps into the scope of local '" +
                         var_name(vars_[fs().first_var + g.nactvar].name) + "'",
                     SyntaxErrorKind::Goto, g.range);
    }
  }
}

void Parser::undef_goto(const LabelDesc& g) {
  if (g.name == kNoNode) {
    semantic_error(std::string("break outside loop at line ") + std::to_string(g.line),
                   SyntaxErrorKind::Syntax, g.range);
  } else {
    semantic_error(std::string("no visible label '") + var_name(g.name) + "' for <goto> at line " +
                       std::to_string(g.line),
                   SyntaxErrorKind::Goto, g.range);
  }
}

}  // namespace moonring::lua
