// The parser's private state, shared by its files: token stream, tree building, scopes and labels.
// (Not a public header: include parser.hpp.)
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "lang/lua/syntax/lexer.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "lang/lua/syntax/prefault.hpp"

namespace moonring::lua {

// Builds a Tree: the one class that writes into its storage.
class TreeBuilder {
 public:
  explicit TreeBuilder(Tree& t) : t_(t) {}
  NodeId add(NodeKind kind, std::uint32_t start, std::uint32_t end, std::uint32_t a = kNoNode,
             std::uint32_t b = kNoNode, std::uint32_t c = kNoNode, std::uint8_t op = 0,
             std::uint16_t flags = 0) {
    const auto id = static_cast<NodeId>(t_.nodes_.size());
    if (id == t_.nodes_.capacity() && warm != nullptr) warm->retire(kNodesRegion);
    // Progress every 4096 nodes (96 KB), inside a statement too: one statement can be the whole
    // file (`return { ... }` data, `a + a + ...`).
    if (id % 4096 == 0 && warm != nullptr) note_filled();
    t_.nodes_.push_back(Node{kind, op, flags, start, end, a, b, c});
    return id;
  }
  Node& at(NodeId id) { return t_.nodes_[id]; }
  // A list from scratch[from..]: stored in the tree, then popped from scratch.
  std::uint32_t list(std::vector<NodeId>& scratch, std::size_t from) {
    const std::size_t n = scratch.size() - from;
    if (n == 0) return 0;
    const auto at = static_cast<std::uint32_t>(t_.lists_.size());
    if (at + n + 1 > t_.lists_.capacity() && warm != nullptr) warm->retire(kListsRegion);
    t_.lists_.push_back(static_cast<std::uint32_t>(n));
    t_.lists_.insert(t_.lists_.end(), scratch.begin() + static_cast<std::ptrdiff_t>(from),
                     scratch.end());
    scratch.resize(from);
    return at;
  }
  std::string& strings() { return t_.strings_; }
  std::vector<Comment>& comments() { return t_.comments_; }
  NameTable& names() { return t_.names_; }
  Tree& tree() { return t_; }
  // A large tree's nodes and lists are warmed ahead of the parser (parse_into): told how far
  // they are filled (by add()), and that their storage is about to move when it outgrows its
  // reserve.
  static constexpr std::size_t kNodesRegion = 0;
  static constexpr std::size_t kListsRegion = 1;
  void note_filled() {
    if (warm == nullptr) return;
    warm->filled(kNodesRegion, t_.nodes_.size() * sizeof(Node));
    warm->filled(kListsRegion, t_.lists_.size() * sizeof(std::uint32_t));
  }
  Prefaulter* warm = nullptr;

 private:
  Tree& t_;
};

// Thrown to unwind to the nearest statement list after an error (never leaves the parser).
struct ParseAbort {};

// Kinds of variables as lparser.c has them.
enum class VarKind : std::uint8_t { Reg, Const, Close, CompileTimeConst };

// Names for the hidden variables of `for` loops.
inline constexpr NameId kHiddenForState = 0xFFFFFFF0u;
inline constexpr NameId kHiddenFor51Index = 0xFFFFFFF1u;
inline constexpr NameId kHiddenFor51Limit = 0xFFFFFFF2u;
inline constexpr NameId kHiddenFor51Step = 0xFFFFFFF3u;
inline constexpr NameId kHiddenFor51Generator = 0xFFFFFFF4u;
inline constexpr NameId kHiddenFor51State = 0xFFFFFFF5u;
inline constexpr NameId kHiddenFor51Control = 0xFFFFFFF6u;

inline constexpr std::uint32_t kNoVar = 0xFFFFFFFFu;
struct VarDesc {
  NameId name;
  VarKind kind;
  std::uint32_t prev_same_name = kNoVar;  // the entry of vars_ this one hides, if any
};
struct UpvalDesc {
  NameId name;
  VarKind kind;
};
struct BlockState {
  std::uint32_t nactvar;
  std::uint32_t nreg_vars;
  std::uint32_t first_label;
  std::uint32_t first_goto;
  bool is_loop;
};
struct LabelDesc {
  NameId name;  // kNoNode for `break`
  std::uint32_t line;
  std::uint32_t nactvar;
  Range range;  // the label's name (the `break` keyword)
};
struct FuncState {
  std::uint32_t line_defined;  // 0 for the main chunk
  bool is_vararg;
  std::uint32_t first_var;  // in Parser::vars_
  std::uint32_t nactvar;    // active locals (vars_ from first_var to first_var + nactvar)
  std::uint32_t first_block;
  std::uint32_t first_label;
  std::uint32_t first_goto;
  std::vector<UpvalDesc> upvals;
  std::uint32_t nreg_vars = 0;  // active locals that take a register (not compile-time constants)
  int saved_regs = 0;           // the enclosing function's register count
};

// How a name in an expression resolved (for const checks and upvalue counting).
struct Resolved {
  enum Where : std::uint8_t { Local, Upval, Global } where = Global;
  VarKind kind = VarKind::Reg;
  NameId name = kNoNode;
};

class Parser {
 public:
  Parser(std::string_view source, LuaVersion version, ParseResult& out);
  void run();
  // Warms the tree's storage ahead of the parser (a large source's: see Prefaulter).
  void warm_with(Prefaulter& warm) { tb_.warm = &warm; }

 private:
  // Tokens (parser_tokens.cpp).
  void next();
  Tok peek_ahead();
  // Moves the errors the lexer met since the last call into the result (up to kMaxErrors).
  void take_lex_errors();
  bool test_next(Tok t);
  void check(Tok t);
  void check_next(Tok t);
  void check_match(Tok what, Tok who, std::uint32_t where);
  NodeId check_name();
  [[noreturn]] void syntax_error(const std::string& msg);
  void error_at_line(const std::string& msg, bool with_near);
  // The result holds the most errors it keeps: later ones are dropped, so their messages need
  // not be built (past the 200-local limit every further local is one).
  bool errors_full() const;
  void semantic_error(const std::string& msg) { error_at_line(msg, false); }
  // An error luac raises without "near" (luaK_semerror), on the line where the scanner stands.
  void semantic_error(const std::string& msg, SyntaxErrorKind kind, Range range);
  [[noreturn]] void error_expected(Tok t);
  std::string near_text() const;
  std::string quoted(Tok t) const;
  void enter_level();
  void leave_level() { --depth_; }
  bool block_follow(bool with_until) const;
  void recover();
  // After a construct's closer: a block left open by a missing closer ends where parsing did.
  void clamp_end(NodeId n) {
    Node& node = tb_.at(n);
    if (node.end > prev_end_) node.end = std::max(node.start, prev_end_);
  }

  // Statements (parser_stat.cpp).
  NodeId block();
  void statlist();
  void statement();
  NodeId if_stat(std::uint32_t line);
  NodeId test_then_block();
  NodeId while_stat(std::uint32_t line);
  NodeId for_stat(std::uint32_t line);
  NodeId repeat_stat(std::uint32_t line);
  NodeId func_stat(std::uint32_t line);
  NodeId local_func();
  NodeId local_stat();
  NodeId label_stat(NodeId name, std::uint32_t line);
  NodeId return_stat();
  NodeId goto_stat();
  NodeId break_stat();
  NodeId expr_stat();

  // Expressions (parser_expr.cpp).
  NodeId expr() {
    const int s = regs_;
    NodeId e = subexpr(0, nullptr);
    regs_ = s;  // the value itself is not in a register until a list places it
    return e;
  }
  NodeId subexpr(int limit, int* untreated);
  NodeId simple_exp();
  NodeId primary_exp();
  NodeId suffixed_exp();
  NodeId func_args(NodeId callee, std::uint32_t line, NodeId method);
  NodeId constructor();
  NodeId field();
  NodeId body(bool is_method, std::uint32_t line, std::uint32_t start);
  std::uint32_t explist();  // pushes onto scratch_, returns the count
  NodeId name_node();       // the current Name token as a Name node (not consumed)

  // Scopes, labels and limits (parser_scope.cpp).
  void open_func(std::uint32_t line_defined, bool is_vararg);
  void close_func();
  void enter_block(bool is_loop);
  void leave_block();
  void new_localvar(NameId name);
  void truncate_vars(std::size_t size);  // vars_.resize(size) down, unlinking each name
  void adjust_localvars(std::uint32_t n);
  Resolved resolve(NodeId name_node);
  Resolved resolve_name(std::size_t fs, NameId name, bool base);
  void check_readonly(const Resolved& r, NodeId name);
  void new_goto(NameId name, std::uint32_t line, Range range);
  void create_label(NameId name, std::uint32_t line, bool last, Range range);
  void undef_goto(const LabelDesc& g);
  std::string var_name(NameId id) const;
  FuncState& fs() { return funcs_.back(); }
  std::string limit_where() const;
  // Registers, as a lower bound of luac's count: locals, call frames and the values lists place
  // in consecutive registers (arguments, returned values, table items, concatenation operands);
  // an operator's temporary registers are not counted.
  void reserve_regs(int n);
  void check_stack(int n);
  bool is_multret(NodeId e) const;
  void adjust_assign(std::uint32_t nvars, std::uint32_t nexps, NodeId last);

  Lexer lexer_;
  LuaVersion version_;
  ParseResult& out_;
  TreeBuilder tb_;
  std::vector<LexError> lex_errors_;
  std::size_t lex_errors_seen_ = 0;

  Token tok_;
  Token ahead_;
  bool has_ahead_ = false;
  std::uint32_t prev_end_ = 0;   // end of the last consumed token
  std::uint32_t last_line_ = 1;  // luac's ls->lastline
  int depth_ = 0;
  bool failed_ = false;  // an error was found: only the first is luac's

  std::vector<NodeId> scratch_;
  std::vector<VarDesc> vars_;
  // Per NameId: the newest entry of vars_ with that name (kNoVar: none), so that resolving a name
  // walks only the locals of that name, not every local in scope (past luac's limit of 200 a
  // function, where the parser goes on after its error, that was quadratic).
  std::vector<std::uint32_t> newest_var_;
  std::vector<FuncState> funcs_;
  std::vector<BlockState> blocks_;
  std::vector<LabelDesc> labels_;
  std::vector<LabelDesc> gotos_;
  NameId env_name_ = kNoNode;  // "_ENV"
  Resolved last_resolved_;     // of the last Name read as a variable
  int regs_ = 0;               // registers in use in the current function (lower bound)
  bool regs_reported_ = false;
};

}  // namespace moonring::lua
