// The parser's statements, one function per grammar rule as in lparser.c, and parse() itself.
#include "lang/lua/syntax/parser_impl.hpp"

namespace moonring::lua {

namespace {
// From this size on the tree's vectors are mapped pages of their own (glibc's mmap threshold
// grows to 32 MB at most): the part never written costs address space only, so they are reserved
// for dense code (a node per 2 bytes in `a + a + ...`) and not shrunk (a copy of the whole tree).
// Below it they come from the heap, where slack is memory: reserved for typical code, shrunk.
constexpr std::size_t kLargeSource = std::size_t{1} << 20;
}  // namespace

// Parses the tree's source, set already.
void parse_into(ParseResult& result, LuaVersion version) {
  Tree& t = result.tree;
  const std::string_view source = t.source();
  t.version_ = version;
  t.lines_ = LineIndex(source);
  const bool large = source.size() >= kLargeSource;
  t.nodes_.reserve(source.size() / (large ? 2 : 8) + 16);
  t.lists_.reserve(source.size() / (large ? 4 : 16) + 16);
  Parser parser(source, version, result);
  // A large tree's pages are made resident by another thread ahead of the parser; `warm` stops
  // before the vectors can be shrunk or freed.
  Prefaulter warm;
  if (large) {
    const bool nodes =
        warm.watch(TreeBuilder::kNodesRegion, t.nodes_.data(), t.nodes_.capacity() * sizeof(Node));
    const bool lists = warm.watch(TreeBuilder::kListsRegion, t.lists_.data(),
                                  t.lists_.capacity() * sizeof(std::uint32_t));
    if (nodes || lists) parser.warm_with(warm);
  }
  parser.run();
  if (!large) {
    t.nodes_.shrink_to_fit();
    t.lists_.shrink_to_fit();
  }
}

ParseResult parse(std::string_view source, LuaVersion version) {
  ParseResult result;
  result.tree.source_.own(source);
  parse_into(result, version);
  return result;
}

ParseResult parse_view(std::string_view source, LuaVersion version) {
  ParseResult result;
  result.tree.source_.borrow(source);
  parse_into(result, version);
  return result;
}

void Parser::run() {
  // Globals go through the _ENV upvalue from 5.2 on (LuaJIT keeps 5.1's environments).
  const bool has_env = version_ != LuaVersion::Lua51 && version_ != LuaVersion::LuaJIT;
  if (has_env) env_name_ = tb_.names().intern("_ENV");
  open_func(0, true);
  if (has_env) fs().upvals.push_back({env_name_, VarKind::Reg});
  try {
    next();
  } catch (ParseAbort&) {
  }
  const std::size_t mark = scratch_.size();
  for (;;) {
    try {
      statlist();
      check(Tok::Eof);
      break;
    } catch (ParseAbort&) {
      // An unmatched `end`, `until`, `else`... at the top: skip it and go on.
      recover();
      if (tok_.type == Tok::Eof) break;
      if (tok_.type == Tok::End || tok_.type == Tok::Until || tok_.type == Tok::Else ||
          tok_.type == Tok::Elseif) {
        next();
      }
    }
  }
  const auto root =
      tb_.add(NodeKind::Block, 0, static_cast<std::uint32_t>(tb_.tree().source().size()),
              tb_.list(scratch_, mark));
  tb_.tree().root_ = root;
  close_func();
}

NodeId Parser::block() {
  // block -> statlist
  const std::uint32_t start = prev_end_;
  const std::size_t mark = scratch_.size();
  enter_block(false);
  statlist();
  leave_block();
  return tb_.add(NodeKind::Block, start, std::max(start, tok_.start), tb_.list(scratch_, mark));
}

void Parser::statlist() {
  // statlist -> { stat [';'] }
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  if (v51) enter_level();
  while (!block_follow(true)) {
    const bool last = tok_.type == Tok::Return || (v51 && tok_.type == Tok::Break);
    const std::size_t mark = scratch_.size();
    const int depth = depth_;
    const std::size_t nfuncs = funcs_.size(), nblocks = blocks_.size(), nlabels = labels_.size(),
                      ngotos = gotos_.size(), nvars = vars_.size();
    const std::uint32_t nactvar = fs().nactvar;
    try {
      statement();
    } catch (ParseAbort&) {
      scratch_.resize(mark);
      depth_ = depth;
      funcs_.resize(nfuncs);
      blocks_.resize(nblocks);
      labels_.resize(nlabels);
      gotos_.resize(ngotos);
      truncate_vars(nvars);
      fs().nactvar = nactvar;
      recover();
      continue;
    }
    if (v51) {
      test_next(Tok::Semi);
      if (last) break;  // 'return' and 'break' must be last in 5.1
    } else if (last) {
      break;  // 'return' must be last
    }
  }
  if (v51) leave_level();
}

void Parser::statement() {
  const std::uint32_t line = lexer_.line();
  const std::uint32_t start = tok_.start;
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  if (!v51) enter_level();
  regs_ = static_cast<int>(fs().nreg_vars);  // a statement starts with only the locals' registers
  NodeId s = kNoNode;
  switch (tok_.type) {
    case Tok::Semi:
      if (version_ == LuaVersion::Lua51) {
        s = expr_stat();  // 5.1 has no empty statement: "unexpected symbol near ';'"
      } else {
        next();
      }
      break;
    case Tok::If:
      s = if_stat(line);
      break;
    case Tok::While:
      s = while_stat(line);
      break;
    case Tok::Do: {
      // stat -> DO block END
      next();
      NodeId b = block();
      check_match(Tok::End, Tok::Do, line);
      clamp_end(b);
      s = tb_.add(NodeKind::Do, start, prev_end_, b);
      break;
    }
    case Tok::For:
      s = for_stat(line);
      break;
    case Tok::Repeat:
      s = repeat_stat(line);
      break;
    case Tok::Function:
      s = func_stat(line);
      break;
    case Tok::Local:
      // stat -> LOCAL FUNCTION NAME body | LOCAL attnamelist ['=' explist]
      next();
      s = test_next(Tok::Function) ? local_func() : local_stat();
      break;
    case Tok::DbColon: {
      // stat -> '::' NAME '::'
      next();
      NodeId name = check_name();
      NodeId label = label_stat(name, line);
      tb_.at(label).start = start;
      break;
    }
    case Tok::Return:
      next();
      s = return_stat();
      break;
    case Tok::Break:
      s = break_stat();
      break;
    case Tok::Goto:
      next();
      s = goto_stat();
      break;
    default:
      s = expr_stat();
      break;
  }
  if (s != kNoNode) {
    tb_.at(s).start = start;
    scratch_.push_back(s);
  }
  if (!v51) leave_level();
}

NodeId Parser::test_then_block() {
  // test_then_block -> [IF | ELSEIF] cond THEN block
  const std::uint32_t start = tok_.start;
  next();
  NodeId cond = expr();
  check_next(Tok::Then);
  NodeId b = block();
  return tb_.add(NodeKind::IfClause, start, tb_.at(b).end, cond, b);
}

NodeId Parser::if_stat(std::uint32_t line) {
  // ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END
  const std::size_t mark = scratch_.size();
  scratch_.push_back(test_then_block());
  while (tok_.type == Tok::Elseif) scratch_.push_back(test_then_block());
  if (tok_.type == Tok::Else) {
    const std::uint32_t start = tok_.start;
    next();
    NodeId b = block();
    scratch_.push_back(tb_.add(NodeKind::IfClause, start, tb_.at(b).end, kNoNode, b));
  }
  check_match(Tok::End, Tok::If, line);
  for (std::size_t i = mark; i < scratch_.size(); ++i) {
    clamp_end(tb_.at(scratch_[i]).b);
    clamp_end(scratch_[i]);
  }
  return tb_.add(NodeKind::If, 0, prev_end_, tb_.list(scratch_, mark));
}

NodeId Parser::while_stat(std::uint32_t line) {
  // whilestat -> WHILE cond DO block END
  next();
  NodeId cond = expr();
  enter_block(true);
  check_next(Tok::Do);
  NodeId b = block();
  check_match(Tok::End, Tok::While, line);
  clamp_end(b);
  leave_block();
  return tb_.add(NodeKind::While, 0, prev_end_, cond, b);
}

NodeId Parser::repeat_stat(std::uint32_t line) {
  // repeatstat -> REPEAT block UNTIL cond
  enter_block(true);   // loop block
  enter_block(false);  // scope block: the condition sees the body's locals
  next();
  const std::uint32_t start = prev_end_;
  const std::size_t mark = scratch_.size();
  statlist();
  NodeId b = tb_.add(NodeKind::Block, start, std::max(start, tok_.start), tb_.list(scratch_, mark));
  check_match(Tok::Until, Tok::Repeat, line);
  clamp_end(b);
  NodeId cond = expr();
  leave_block();
  leave_block();
  return tb_.add(NodeKind::Repeat, 0, prev_end_, b, cond);
}

NodeId Parser::for_stat(std::uint32_t line) {
  // forstat -> FOR (fornum | forlist) END
  // fornum -> NAME = exp ',' exp [',' exp] forbody
  // forlist -> NAME {',' NAME} IN explist forbody
  // forbody -> DO block
  const bool v51 = version_ == LuaVersion::Lua51;
  enter_block(true);
  next();
  NodeId first = check_name();
  NodeId result;
  if (tok_.type == Tok::Assign) {
    new_localvar(v51 ? kHiddenFor51Index : kHiddenForState);
    new_localvar(v51 ? kHiddenFor51Limit : kHiddenForState);
    new_localvar(v51 ? kHiddenFor51Step : kHiddenForState);
    new_localvar(tb_.tree().name_id(first));
    next();
    const std::size_t mark = scratch_.size();
    scratch_.push_back(expr());
    reserve_regs(1);
    check_next(Tok::Comma);
    scratch_.push_back(expr());
    reserve_regs(1);
    if (test_next(Tok::Comma)) scratch_.push_back(expr());
    reserve_regs(1);  // the step, given or 1
    const std::uint32_t exprs = tb_.list(scratch_, mark);
    adjust_localvars(3);
    check_next(Tok::Do);
    enter_block(false);
    adjust_localvars(1);
    reserve_regs(1);
    NodeId b = block();
    leave_block();
    result = tb_.add(NodeKind::NumericFor, 0, 0, first, exprs, b);
  } else if (tok_.type == Tok::Comma || tok_.type == Tok::In) {
    const std::uint32_t hidden = v51 ? 3 : 4;
    if (v51) {
      new_localvar(kHiddenFor51Generator);
      new_localvar(kHiddenFor51State);
      new_localvar(kHiddenFor51Control);
    } else {
      for (int i = 0; i < 4; ++i) new_localvar(kHiddenForState);
    }
    new_localvar(tb_.tree().name_id(first));
    const std::size_t names_mark = scratch_.size();
    scratch_.push_back(first);
    std::uint32_t nvars = 1;
    while (test_next(Tok::Comma)) {
      NodeId n = check_name();
      new_localvar(tb_.tree().name_id(n));
      scratch_.push_back(n);
      ++nvars;
    }
    const std::uint32_t names = tb_.list(scratch_, names_mark);
    check_next(Tok::In);
    const std::size_t mark = scratch_.size();
    const std::uint32_t nexps = explist();
    adjust_assign(hidden, nexps, scratch_.back());
    const std::uint32_t exprs = tb_.list(scratch_, mark);
    adjust_localvars(hidden);
    check_stack(3);  // room to call the generator
    check_next(Tok::Do);
    enter_block(false);
    adjust_localvars(nvars);
    reserve_regs(static_cast<int>(nvars));
    NodeId b = block();
    leave_block();
    result = tb_.add(NodeKind::GenericFor, 0, 0, names, exprs, b);
  } else {
    syntax_error(quoted(Tok::Assign) + " or " + quoted(Tok::In) + " expected");
  }
  check_match(Tok::End, Tok::For, line);
  leave_block();
  tb_.at(result).end = prev_end_;
  clamp_end(tb_.at(result).c);
  return result;
}

NodeId Parser::func_stat(std::uint32_t line) {
  // funcstat -> FUNCTION funcname body
  // funcname -> NAME {'.' NAME} [':' NAME]
  const std::uint32_t start = tok_.start;
  next();
  NodeId target = check_name();
  Resolved r = resolve(target);
  bool plain = true;
  NodeId method = kNoNode;
  while (tok_.type == Tok::Dot) {
    next();
    NodeId key = check_name();
    target = tb_.add(NodeKind::Field, tb_.at(target).start, prev_end_, target, key);
    plain = false;
  }
  if (tok_.type == Tok::Colon) {
    next();
    method = check_name();
  }
  NodeId b = body(method != kNoNode, line, start);
  if (plain) check_readonly(r, target);
  return tb_.add(NodeKind::Function, 0, prev_end_, target, method, b);
}

NodeId Parser::local_func() {
  // localfunc -> NAME body
  NodeId name = check_name();
  new_localvar(tb_.tree().name_id(name));
  adjust_localvars(1);
  NodeId b = body(false, lexer_.line(), tb_.at(name).start);
  return tb_.add(NodeKind::LocalFunction, 0, prev_end_, name, b);
}

NodeId Parser::local_stat() {
  // localstat -> LOCAL attnamelist ['=' explist]
  // attnamelist -> NAME attrib {',' NAME attrib}
  // attrib -> ['<' NAME '>']
  const std::size_t mark = scratch_.size();
  bool has_close = false;
  std::uint32_t nvars = 0;
  do {
    NodeId n = check_name();
    new_localvar(tb_.tree().name_id(n));
    if (has_attribs(version_) && test_next(Tok::Lt)) {
      NodeId attr = check_name();
      check_next(Tok::Gt);
      std::string_view a = tb_.tree().name_text(attr);
      VarKind kind = VarKind::Reg;
      if (a == "const") {
        tb_.at(n).op = static_cast<std::uint8_t>(LocalAttrib::Const);
        kind = VarKind::Const;
      } else if (a == "close") {
        tb_.at(n).op = static_cast<std::uint8_t>(LocalAttrib::Close);
        kind = VarKind::Close;
        if (has_close) {
          semantic_error("multiple to-be-closed variables in local list", SyntaxErrorKind::Syntax,
                         tb_.tree().range(attr));
        }
        has_close = true;
      } else {
        semantic_error(std::string("unknown attribute '") + std::string(a) + "'",
                       SyntaxErrorKind::Syntax, tb_.tree().range(attr));
      }
      vars_.back().kind = kind;
    }
    scratch_.push_back(n);
    ++nvars;
  } while (test_next(Tok::Comma));
  const std::uint32_t names = tb_.list(scratch_, mark);
  std::uint32_t values = 0;
  std::uint32_t nexps = 0;
  if (test_next(Tok::Assign)) {
    const std::size_t vmark = scratch_.size();
    nexps = explist();
    // A <const> whose value is known at compile time is no variable at all (lparser.c's
    // RDKCTC): it never becomes an upvalue.
    if (nexps == nvars && vars_.back().kind == VarKind::Const) {
      NodeId last = scratch_.back();
      NodeKind k = tb_.tree().kind(last);
      bool constant = k == NodeKind::Nil || k == NodeKind::True || k == NodeKind::False ||
                      k == NodeKind::Number || k == NodeKind::String;
      if (k == NodeKind::Unary && tb_.tree().kind(tb_.at(last).a) == NodeKind::Number &&
          static_cast<UnaryOp>(tb_.at(last).op) == UnaryOp::Neg) {
        constant = true;
      }
      if (k == NodeKind::Name) {
        Resolved r = resolve_name(funcs_.size() - 1, tb_.tree().name_id(last), true);
        constant = r.where == Resolved::Local && r.kind == VarKind::CompileTimeConst;
      }
      if (constant) vars_.back().kind = VarKind::CompileTimeConst;
    }
    if (vars_.back().kind != VarKind::CompileTimeConst)
      adjust_assign(nvars, nexps, scratch_.back());
    values = tb_.list(scratch_, vmark);
  } else {
    adjust_assign(nvars, 0, kNoNode);
  }
  adjust_localvars(nvars);
  return tb_.add(NodeKind::Local, 0, prev_end_, names, values);
}

NodeId Parser::label_stat(NodeId name, std::uint32_t line) {
  // label -> '::' NAME '::'
  check_next(Tok::DbColon);
  NodeId label = tb_.add(NodeKind::Label, 0, prev_end_, name);
  scratch_.push_back(label);
  // Other no-op statements after the label decide whether it is the last in its block.
  while (tok_.type == Tok::Semi || tok_.type == Tok::DbColon) statement();
  const NameId id = tb_.tree().name_id(name);
  for (std::size_t i = fs().first_label; i < labels_.size(); ++i) {
    if (labels_[i].name == id) {
      semantic_error(std::string("label '") + std::string(tb_.tree().name_text(name)) +
                         "' already defined on line " + std::to_string(labels_[i].line),
                     SyntaxErrorKind::Goto, tb_.tree().range(name));
      break;
    }
  }
  create_label(id, line, block_follow(false), tb_.tree().range(name));
  return label;
}

NodeId Parser::return_stat() {
  // retstat -> RETURN [explist] [';']
  const std::size_t mark = scratch_.size();
  if (!block_follow(true) && tok_.type != Tok::Semi) {
    const std::uint32_t n = explist();
    NodeId last = scratch_.back();
    if (is_multret(last)) {
      if (tb_.tree().kind(last) == NodeKind::Vararg) reserve_regs(1);
    } else if (n > 1) {
      reserve_regs(1);
    }
  }
  const std::uint32_t values = tb_.list(scratch_, mark);
  if (version_ != LuaVersion::Lua51 && version_ != LuaVersion::LuaJIT) test_next(Tok::Semi);
  return tb_.add(NodeKind::Return, 0, prev_end_, values);
}

NodeId Parser::break_stat() {
  // breakstat -> BREAK
  const std::uint32_t line = lexer_.line();
  const Range range{tok_.start, tok_.end};
  next();
  if (version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT) {
    bool in_loop = false;
    for (std::size_t i = blocks_.size(); i-- > fs().first_block;) {
      if (blocks_[i].is_loop) {
        in_loop = true;
        break;
      }
    }
    if (!in_loop) error_at_line("no loop to break", true);
  } else {
    new_goto(kNoNode, line, range);
  }
  return tb_.add(NodeKind::Break, 0, range.end);
}

NodeId Parser::goto_stat() {
  // gotostat -> GOTO NAME
  const std::uint32_t line = lexer_.line();
  NodeId name = check_name();
  const NameId id = tb_.tree().name_id(name);
  bool found = false;
  for (std::size_t i = fs().first_label; i < labels_.size(); ++i) {
    if (labels_[i].name == id) found = true;  // a backward jump: always allowed
  }
  if (!found) new_goto(id, line, tb_.tree().range(name));
  return tb_.add(NodeKind::Goto, 0, prev_end_, name);
}

NodeId Parser::expr_stat() {
  // exprstat -> func | assignment
  // assignment -> suffixedexp {',' suffixedexp} '=' explist
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  NodeId e = suffixed_exp();
  auto is_var = [&](NodeId n) {
    NodeKind k = tb_.tree().kind(n);
    return k == NodeKind::Name || k == NodeKind::Index || k == NodeKind::Field;
  };
  auto is_call = [&](NodeId n) {
    NodeKind k = tb_.tree().kind(n);
    return k == NodeKind::Call || k == NodeKind::MethodCall;
  };
  if (v51 ? is_call(e) : !(tok_.type == Tok::Assign || tok_.type == Tok::Comma)) {
    if (!is_call(e)) syntax_error("syntax error");
    return tb_.add(NodeKind::CallStat, 0, prev_end_, e);
  }
  const std::size_t mark = scratch_.size();
  int levels = 0;
  auto check_target = [&](NodeId t) {
    if (!is_var(t)) syntax_error("syntax error");
    if (tb_.tree().kind(t) == NodeKind::Name) check_readonly(last_resolved_, t);
  };
  check_target(e);
  scratch_.push_back(e);
  std::uint32_t nvars = 1;
  while (test_next(Tok::Comma)) {
    NodeId t = suffixed_exp();
    if (v51) {
      if (static_cast<int>(nvars) > 200 - (depth_ + 1)) {
        error_at_line(limit_where() + " has more than " + std::to_string(200 - (depth_ + 1)) +
                          " variables in assignment",
                      false);
      }
    } else {
      enter_level();
      ++levels;
    }
    check_target(t);
    scratch_.push_back(t);
    ++nvars;
  }
  check_next(Tok::Assign);
  const std::uint32_t targets = tb_.list(scratch_, mark);
  const std::size_t vmark = scratch_.size();
  const std::uint32_t nexps = explist();
  if (nexps != nvars) adjust_assign(nvars, nexps, scratch_.back());
  const std::uint32_t values = tb_.list(scratch_, vmark);
  depth_ -= levels;
  return tb_.add(NodeKind::Assign, 0, prev_end_, targets, values);
}

}  // namespace moonring::lua
