// The parser's expressions: operator precedence per version, calls, tables, function bodies.
#include <bit>

#include "lang/lua/syntax/parser_impl.hpp"

namespace moonring::lua {

namespace {

struct Priority {
  std::uint8_t left;
  std::uint8_t right;
};

// Indexed by BinaryOp: Or, And, Lt, Gt, Le, Ge, Ne, Eq, BOr, BXor, BAnd, Shl, Shr, Concat, Add,
// Sub, Mul, Div, IDiv, Mod, Pow.
constexpr Priority kPriority53[] = {{1, 1},   {2, 2},   {3, 3},   {3, 3},   {3, 3},   {3, 3},
                                    {3, 3},   {3, 3},   {4, 4},   {5, 5},   {6, 6},   {7, 7},
                                    {7, 7},   {9, 8},   {10, 10}, {10, 10}, {11, 11}, {11, 11},
                                    {11, 11}, {11, 11}, {14, 13}};
constexpr int kUnaryPriority53 = 12;
constexpr Priority kPriority51[] = {{1, 1}, {2, 2}, {3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3},
                                    {3, 3}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {5, 4},
                                    {6, 6}, {6, 6}, {7, 7}, {7, 7}, {0, 0}, {7, 7}, {10, 9}};
constexpr int kUnaryPriority51 = 8;

constexpr int kNoBinop = -1;

int binop(Tok t, bool v53) {
  switch (t) {
    case Tok::Or:
      return static_cast<int>(BinaryOp::Or);
    case Tok::And:
      return static_cast<int>(BinaryOp::And);
    case Tok::Lt:
      return static_cast<int>(BinaryOp::Lt);
    case Tok::Gt:
      return static_cast<int>(BinaryOp::Gt);
    case Tok::Le:
      return static_cast<int>(BinaryOp::Le);
    case Tok::Ge:
      return static_cast<int>(BinaryOp::Ge);
    case Tok::Ne:
      return static_cast<int>(BinaryOp::Ne);
    case Tok::Eq:
      return static_cast<int>(BinaryOp::Eq);
    case Tok::Concat:
      return static_cast<int>(BinaryOp::Concat);
    case Tok::Plus:
      return static_cast<int>(BinaryOp::Add);
    case Tok::Minus:
      return static_cast<int>(BinaryOp::Sub);
    case Tok::Star:
      return static_cast<int>(BinaryOp::Mul);
    case Tok::Slash:
      return static_cast<int>(BinaryOp::Div);
    case Tok::Percent:
      return static_cast<int>(BinaryOp::Mod);
    case Tok::Caret:
      return static_cast<int>(BinaryOp::Pow);
    case Tok::Pipe:
      return v53 ? static_cast<int>(BinaryOp::BOr) : kNoBinop;
    case Tok::Tilde:
      return v53 ? static_cast<int>(BinaryOp::BXor) : kNoBinop;
    case Tok::Amp:
      return v53 ? static_cast<int>(BinaryOp::BAnd) : kNoBinop;
    case Tok::Shl:
      return v53 ? static_cast<int>(BinaryOp::Shl) : kNoBinop;
    case Tok::Shr:
      return v53 ? static_cast<int>(BinaryOp::Shr) : kNoBinop;
    case Tok::IDiv:
      return v53 ? static_cast<int>(BinaryOp::IDiv) : kNoBinop;
    default:
      return kNoBinop;
  }
}

int unop(Tok t, bool v53) {
  switch (t) {
    case Tok::Not:
      return static_cast<int>(UnaryOp::Not);
    case Tok::Minus:
      return static_cast<int>(UnaryOp::Neg);
    case Tok::Hash:
      return static_cast<int>(UnaryOp::Len);
    case Tok::Tilde:
      return v53 ? static_cast<int>(UnaryOp::BNot) : -1;
    default:
      return -1;
  }
}

}  // namespace

NodeId Parser::name_node() {
  const std::string_view text = tb_.tree().source().substr(tok_.start, tok_.end - tok_.start);
  const std::uint32_t hash = tok_.type == Tok::Name ? tok_.hash : name_hash(text);
  return tb_.add(NodeKind::Name, tok_.start, tok_.end, tb_.names().intern(text, hash));
}

std::uint32_t Parser::explist() {
  // explist -> expr { ',' expr }
  // Each value but the last goes to the next register when its ',' is read; the last is placed
  // by the caller, which knows what it is for.
  std::uint32_t n = 1;
  scratch_.push_back(expr());
  while (test_next(Tok::Comma)) {
    reserve_regs(1);
    scratch_.push_back(expr());
    ++n;
  }
  return n;
}

NodeId Parser::subexpr(int limit, int* untreated) {
  // subexpr -> (simpleexp | unop subexpr) { binop subexpr }
  // where 'binop' is any binary operator with a priority higher than 'limit'
  const bool v53 = has_integers(version_);
  const Priority* prio = v53 ? kPriority53 : kPriority51;
  enter_level();
  const int regs = regs_;
  NodeId left;
  const std::uint32_t start = tok_.start;
  int uop = unop(tok_.type, v53);
  if (uop >= 0) {
    next();
    NodeId operand = subexpr(v53 ? kUnaryPriority53 : kUnaryPriority51, nullptr);
    left = tb_.add(NodeKind::Unary, start, prev_end_, operand, kNoNode, kNoNode,
                   static_cast<std::uint8_t>(uop));
  } else {
    left = simple_exp();
  }
  int op = binop(tok_.type, v53);
  while (op != kNoBinop && prio[op].left > limit) {
    next();
    // Concatenation places its operands in consecutive registers.
    const bool concat = op == static_cast<int>(BinaryOp::Concat);
    if (concat) reserve_regs(1);
    int next_op = kNoBinop;
    NodeId right = subexpr(prio[op].right, &next_op);
    if (concat) reserve_regs(1);
    regs_ = regs;
    left = tb_.add(NodeKind::Binary, start, prev_end_, left, right, kNoNode,
                   static_cast<std::uint8_t>(op));
    op = next_op;
  }
  leave_level();
  regs_ = regs;
  if (untreated) *untreated = op;
  return left;
}

NodeId Parser::simple_exp() {
  // simpleexp -> FLT | INT | STRING | NIL | TRUE | FALSE | ... | constructor |
  //              FUNCTION body | suffixedexp
  const std::uint32_t start = tok_.start;
  NodeId n;
  switch (tok_.type) {
    case Tok::Number: {
      const NumberValue& v = tok_.number;
      std::uint64_t bits = (v.kind == NumberKind::Float || v.kind == NumberKind::Imaginary)
                               ? std::bit_cast<std::uint64_t>(v.real)
                               : static_cast<std::uint64_t>(v.integer);
      n = tb_.add(NodeKind::Number, start, tok_.end, static_cast<std::uint32_t>(bits),
                  static_cast<std::uint32_t>(bits >> 32), kNoNode,
                  static_cast<std::uint8_t>(v.kind));
      break;
    }
    case Tok::String:
      n = tb_.add(NodeKind::String, start, tok_.end, tok_.str_at, tok_.str_len, kNoNode,
                  tok_.long_string ? 1 : 0);
      break;
    case Tok::Nil:
      n = tb_.add(NodeKind::Nil, start, tok_.end);
      break;
    case Tok::True:
      n = tb_.add(NodeKind::True, start, tok_.end);
      break;
    case Tok::False:
      n = tb_.add(NodeKind::False, start, tok_.end);
      break;
    case Tok::Dots:
      if (!fs().is_vararg) {
        error_at_line(std::string("cannot use ") + quoted(Tok::Dots) + " outside a vararg function",
                      true);
      }
      n = tb_.add(NodeKind::Vararg, start, tok_.end);
      break;
    case Tok::LBrace:
      return constructor();
    case Tok::Function:
      next();
      return body(false, lexer_.line(), start);
    default:
      return suffixed_exp();
  }
  next();
  return n;
}

NodeId Parser::primary_exp() {
  // primaryexp -> NAME | '(' expr ')'
  switch (tok_.type) {
    case Tok::Name: {
      NodeId n = name_node();
      next();
      last_resolved_ = resolve(n);
      return n;
    }
    case Tok::LParen: {
      const std::uint32_t line = lexer_.line();
      const std::uint32_t start = tok_.start;
      next();
      NodeId inner = expr();
      check_match(Tok::RParen, Tok::LParen, line);
      return tb_.add(NodeKind::Paren, start, prev_end_, inner);
    }
    default:
      syntax_error("unexpected symbol");
  }
}

NodeId Parser::suffixed_exp() {
  // suffixedexp -> primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }
  const std::uint32_t line = lexer_.line();
  const std::uint32_t start = tok_.start;
  const int regs = regs_;
  NodeId e = primary_exp();
  regs_ = regs;
  for (;;) {
    switch (tok_.type) {
      case Tok::Dot: {
        next();
        NodeId key = check_name();
        e = tb_.add(NodeKind::Field, start, prev_end_, e, key);
        break;
      }
      case Tok::LBracket: {
        next();
        NodeId key = expr();
        check_next(Tok::RBracket);
        e = tb_.add(NodeKind::Index, start, prev_end_, e, key);
        break;
      }
      case Tok::Colon: {
        next();
        NodeId name = check_name();
        reserve_regs(2);  // luaK_self: the method and the object
        e = func_args(e, line, name);
        regs_ = regs;
        tb_.at(e).start = start;
        break;
      }
      case Tok::LParen:
      case Tok::String:
      case Tok::LBrace:
        reserve_regs(1);  // the function
        e = func_args(e, line, kNoNode);
        regs_ = regs;
        tb_.at(e).start = start;
        break;
      default:
        regs_ = regs;
        return e;
    }
  }
}

NodeId Parser::func_args(NodeId callee, std::uint32_t line, NodeId method) {
  // funcargs -> '(' [ explist ] ')' | constructor | STRING
  const std::size_t mark = scratch_.size();
  CallArgs form = CallArgs::Parens;
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  switch (tok_.type) {
    case Tok::LParen: {
      if (v51) {
        // 5.1 matches the parenthesis from its own line, and refuses a call that starts a line.
        line = lexer_.line();
        if (line != last_line_) syntax_error("ambiguous syntax (function call x new statement)");
      }
      next();
      bool place_last = false;
      if (tok_.type != Tok::RParen) {
        explist();
        if (!is_multret(scratch_.back())) {
          place_last = true;
        } else if (tb_.tree().kind(scratch_.back()) == NodeKind::Vararg) {
          reserve_regs(1);
        }
      }
      check_match(Tok::RParen, Tok::LParen, line);
      if (place_last) reserve_regs(1);
      break;
    }
    case Tok::LBrace:
      form = CallArgs::Table;
      scratch_.push_back(constructor());
      break;
    case Tok::String:
      form = CallArgs::String;
      scratch_.push_back(tb_.add(NodeKind::String, tok_.start, tok_.end, tok_.str_at, tok_.str_len,
                                 kNoNode, tok_.long_string ? 1 : 0));
      next();
      reserve_regs(1);
      break;
    default:
      syntax_error("function arguments expected");
  }
  const std::uint32_t args = tb_.list(scratch_, mark);
  if (method != kNoNode) {
    return tb_.add(NodeKind::MethodCall, 0, prev_end_, callee, method, args,
                   static_cast<std::uint8_t>(form));
  }
  return tb_.add(NodeKind::Call, 0, prev_end_, callee, args, kNoNode,
                 static_cast<std::uint8_t>(form));
}

NodeId Parser::constructor() {
  // constructor -> '{' [ field { sep field } [sep] ] '}'
  // sep -> ',' | ';'
  const std::uint32_t line = lexer_.line();
  const std::uint32_t start = tok_.start;
  reserve_regs(1);  // the table
  const int table_top = regs_;
  check_next(Tok::LBrace);
  const std::size_t mark = scratch_.size();
  // Positional items wait in registers, 50 at a time (LFIELDS_PER_FLUSH); each is placed when
  // the next field starts.
  int to_store = 0;
  NodeId pending = kNoNode;
  do {
    if (tok_.type == Tok::RBrace) break;
    if (pending != kNoNode) {
      reserve_regs(1);
      pending = kNoNode;
      if (to_store == 50) {
        regs_ = table_top;
        to_store = 0;
      }
    }
    NodeId f = field();
    scratch_.push_back(f);
    if (static_cast<FieldKind>(tb_.at(f).op) == FieldKind::Positional) {
      pending = tb_.at(f).b;
      ++to_store;
    }
  } while (test_next(Tok::Comma) || test_next(Tok::Semi));
  check_match(Tok::RBrace, Tok::LBrace, line);
  if (to_store > 0 && pending != kNoNode) {
    if (!is_multret(pending) || tb_.tree().kind(pending) == NodeKind::Vararg) reserve_regs(1);
  }
  return tb_.add(NodeKind::Table, start, prev_end_, tb_.list(scratch_, mark));
}

NodeId Parser::field() {
  // field -> listfield | recfield
  // recfield -> (NAME | '[' exp ']') = exp
  const std::uint32_t start = tok_.start;
  if (tok_.type == Tok::Name && peek_ahead() == Tok::Assign) {
    NodeId key = check_name();
    check_next(Tok::Assign);
    NodeId value = expr();
    return tb_.add(NodeKind::TableField, start, prev_end_, key, value, kNoNode,
                   static_cast<std::uint8_t>(FieldKind::Named));
  }
  if (tok_.type == Tok::LBracket) {
    next();
    NodeId key = expr();
    check_next(Tok::RBracket);
    check_next(Tok::Assign);
    NodeId value = expr();
    return tb_.add(NodeKind::TableField, start, prev_end_, key, value, kNoNode,
                   static_cast<std::uint8_t>(FieldKind::Bracketed));
  }
  NodeId value = expr();
  return tb_.add(NodeKind::TableField, start, prev_end_, kNoNode, value, kNoNode,
                 static_cast<std::uint8_t>(FieldKind::Positional));
}

NodeId Parser::body(bool is_method, std::uint32_t line, std::uint32_t start) {
  // body -> '(' parlist ')' block END
  // parlist -> [ {NAME ','} (NAME | '...') ]
  open_func(line, false);
  if (is_method) {
    new_localvar(tb_.names().intern("self"));
    adjust_localvars(1);
  }
  check_next(Tok::LParen);
  const std::size_t mark = scratch_.size();
  std::uint32_t nparams = 0;
  bool vararg = false;
  if (tok_.type != Tok::RParen) {
    do {
      switch (tok_.type) {
        case Tok::Name: {
          NodeId p = check_name();
          new_localvar(tb_.tree().name_id(p));
          scratch_.push_back(p);
          ++nparams;
          break;
        }
        case Tok::Dots:
          next();
          vararg = true;
          if (version_ == LuaVersion::Lua51) {  // LUA_COMPAT_VARARG: the implicit `arg`
            new_localvar(tb_.names().intern("arg"));
            ++nparams;
          }
          break;
        default:
          syntax_error(std::string("<name> or ") + quoted(Tok::Dots) + " expected");
      }
    } while (!vararg && test_next(Tok::Comma));
  }
  adjust_localvars(nparams);
  fs().is_vararg = vararg;
  const std::uint32_t params = tb_.list(scratch_, mark);
  check_next(Tok::RParen);
  const std::uint32_t block_start = prev_end_;
  const std::size_t smark = scratch_.size();
  statlist();
  NodeId b = tb_.add(NodeKind::Block, block_start, std::max(block_start, tok_.start),
                     tb_.list(scratch_, smark));
  check_match(Tok::End, Tok::Function, line);
  clamp_end(b);
  close_func();
  std::uint16_t flags = (vararg ? 1 : 0) | (is_method ? 2 : 0);
  return tb_.add(NodeKind::FunctionExpr, start, prev_end_, params, b, kNoNode, 0, flags);
}

}  // namespace moonring::lua
