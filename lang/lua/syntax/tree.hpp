// The Lua syntax tree: compact arena nodes with byte ranges, interned names, comments, line index.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/version.hpp"

namespace moonring::lua {

struct ParseResult;

// Every node lives in one vector of the Tree and is named by its index. 32-bit everywhere: a
// source file is < 4 GB, and compact nodes keep a large workspace in cache (STYLE.md #10).
using NodeId = std::uint32_t;
using NameId = std::uint32_t;  // an interned identifier, dense per tree: 0, 1, 2, ...
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

enum class NodeKind : std::uint8_t {
  // Statements (and the block that holds them).
  Block,          // list of statements; the root of a tree is a Block (the chunk's body)
  Local,          // local names [attribs] [= values]
  LocalFunction,  // local function name body
  Function,       // function a.b.c:m body
  Assign,         // targets = values
  CallStat,       // a call used as a statement
  Do,             // do block end
  While,          // while cond do block end
  Repeat,         // repeat block until cond
  If,             // if cond then block {elseif cond then block} [else block] end
  IfClause,       // one arm of an If: `if`/`elseif` with a condition, or `else` without one
  NumericFor,     // for name = start, limit [, step] do block end
  GenericFor,     // for names in exprs do block end
  Return,         // return [exprs]
  Break,          // break
  Goto,           // goto name
  Label,          // ::name::
  // Expressions.
  Nil,
  True,
  False,
  Number,
  String,
  Vararg,        // ...
  FunctionExpr,  // function (params) block end; also the body of Function / LocalFunction
  Table,         // { fields }
  TableField,    // one field of a Table: positional, named (k = v) or bracketed ([k] = v)
  Binary,
  Unary,
  Paren,       // ( expr ): truncates a multi-value expression to one value
  Name,        // an identifier; as an expression, a variable reference
  Index,       // object [ key ]
  Field,       // object . name
  MethodCall,  // object : name args
  Call,        // callee args
  // What the parser put where it could not parse anything (error recovery); has a range only.
  Error,
};

enum class BinaryOp : std::uint8_t {
  Or,
  And,
  Lt,
  Gt,
  Le,
  Ge,
  Ne,
  Eq,
  BOr,
  BXor,
  BAnd,
  Shl,
  Shr,  // 5.3+
  Concat,
  Add,
  Sub,
  Mul,
  Div,
  IDiv,
  Mod,  // IDiv: 5.3+
  Pow,
};

enum class UnaryOp : std::uint8_t { Not, Neg, Len, BNot /* 5.3+ */ };

// Attribute of a name in a `local` statement (5.4).
enum class LocalAttrib : std::uint8_t { None, Const, Close };

enum class FieldKind : std::uint8_t { Positional, Named, Bracketed };

// How the arguments of a call were written: f(a, b), f"str", f{...}.
enum class CallArgs : std::uint8_t { Parens, String, Table };

// The value of a numeral. LuaJIT's suffixes give 64-bit cdata integers (LL, ULL) and imaginary
// numbers (i); in 5.1/5.2/LuaJIT plain numerals are floats.
enum class NumberKind : std::uint8_t { Integer, Float, Int64, UInt64, Imaginary };
struct NumberValue {
  NumberKind kind = NumberKind::Float;
  std::int64_t integer = 0;  // Integer, Int64, UInt64 (bit pattern)
  double real = 0;           // Float, Imaginary
};

// A half-open byte range [start, end) in the source.
struct Range {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
};

// 1-based line; 1-based column counted in bytes (lsp/ converts to UTF-16).
struct LineCol {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

struct Comment {
  Range range;  // the whole comment, `--` included
  Range text;   // its contents: after `--` (or inside `--[==[ ... ]==]`)
  bool long_form = false;
};

// One stored node: 24 bytes. What a, b, c hold depends on the kind; use the typed views below.
struct Node {
  NodeKind kind;
  std::uint8_t op;      // BinaryOp, UnaryOp, LocalAttrib, FieldKind, CallArgs, NumberKind, flags
  std::uint16_t flags;  // kind-specific bits (see the views)
  std::uint32_t start;
  std::uint32_t end;
  std::uint32_t a;
  std::uint32_t b;
  std::uint32_t c;
};
static_assert(sizeof(Node) == 24);

// Typed views of the node kinds. A `std::span<const NodeId>` is a list stored in the tree.
struct LocalView {
  std::span<const NodeId> names;   // Name nodes; Tree::attrib(name) gives each one's attribute
  std::span<const NodeId> values;  // empty when there is no `=`
};
struct LocalFunctionView {
  NodeId name;  // Name
  NodeId body;  // FunctionExpr
};
struct FunctionView {
  NodeId target;  // Name, or a Field chain for a.b.c (for a.b:m, the Field a.b)
  NodeId method;  // Name of m in a.b:m, else kNoNode (the body then has an implicit `self`)
  NodeId body;    // FunctionExpr
};
struct AssignView {
  std::span<const NodeId> targets;  // Name / Index / Field
  std::span<const NodeId> values;
};
struct WhileView {
  NodeId condition;
  NodeId block;
};
struct RepeatView {
  NodeId block;
  NodeId condition;  // sees the block's locals
};
struct IfClauseView {
  NodeId condition;  // kNoNode for `else`
  NodeId block;
};
struct NumericForView {
  NodeId variable;  // Name
  NodeId start;
  NodeId limit;
  NodeId step;  // kNoNode when absent
  NodeId block;
};
struct GenericForView {
  std::span<const NodeId> names;
  std::span<const NodeId> values;
  NodeId block;
};
struct FunctionExprView {
  std::span<const NodeId> params;  // Name nodes, `self` not included
  bool is_vararg;
  bool is_method;  // declared with `:`: has an implicit first parameter `self`
  NodeId block;
};
struct TableFieldView {
  FieldKind kind;
  NodeId key;  // Named: a Name node (a key, not a variable); Bracketed: an expression; else kNoNode
  NodeId value;
};
struct BinaryView {
  BinaryOp op;
  NodeId left;
  NodeId right;
};
struct UnaryView {
  UnaryOp op;
  NodeId operand;
};
struct IndexView {
  NodeId object;
  NodeId key;
};
struct FieldView {
  NodeId object;
  NodeId name;  // a Name node (a key, not a variable)
};
struct MethodCallView {
  NodeId object;
  NodeId name;  // a Name node
  std::span<const NodeId> args;
  CallArgs form;
};
struct CallView {
  NodeId callee;
  std::span<const NodeId> args;  // for f"s" / f{...}: the one String / Table node
  CallArgs form;
};

// Maps byte offsets to lines and columns.
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view source);
  LineCol position(std::uint32_t offset) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  std::uint32_t line_start(std::uint32_t line) const { return starts_[line - 1]; }  // 1-based

 private:
  friend class LineCursor;
  std::vector<std::uint32_t> starts_;  // offset of the first byte of each line
};

// LineIndex::position for offsets asked mostly in increasing order (a rule's findings, a file's
// global reads): a few steps on from the line of the last answer instead of a binary search over
// every line (a file of a million findings asked a million searches of a 5 MB array).
class LineCursor {
 public:
  explicit LineCursor(const LineIndex& lines) : lines_(lines) {}
  LineCol position(std::uint32_t offset);

 private:
  const LineIndex& lines_;
  std::uint32_t line_ = 1;  // 1-based: the line of the last answer
};

// FNV-1a over a name's bytes: NameTable's hash, which the lexer computes as it scans a name.
inline constexpr std::uint32_t kNameHashBasis = 2166136261u;
inline std::uint32_t name_hash_step(std::uint32_t hash, unsigned char c) {
  return (hash ^ c) * 16777619u;
}
inline std::uint32_t name_hash(std::string_view text) {
  std::uint32_t hash = kNameHashBasis;
  for (const char c : text) hash = name_hash_step(hash, static_cast<unsigned char>(c));
  return hash;
}

// Interned identifiers of one tree.
class NameTable {
 public:
  NameId intern(std::string_view text) { return intern(text, name_hash(text)); }
  // `hash` must be name_hash(text) (the lexer's, computed as it scanned the name).
  NameId intern(std::string_view text, std::uint32_t hash);
  // Starts loading the slot where `hash` is probed first: a file of many distinct names misses
  // the cache on nearly every new one, and the parser has work to do before it interns.
  void prefetch(std::uint32_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (hash & (slots_.size() - 1)));
  }
  std::string_view text(NameId id) const {
    return std::string_view(chars_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(offsets_.size() - 1); }
  // The id of `text` if the tree has it, else kNoNode.
  NameId find(std::string_view text) const;

 private:
  void grow();
  std::string chars_;
  std::vector<std::uint32_t> offsets_{0};
  // Open addressing: each slot is (hash << 32 | id), kEmptySlot when free. The hash beside the id
  // settles a mismatch without reading the name (a file of 300,000 distinct names spent most of
  // its interning in the cache misses of those reads) and lets grow() rehash without them.
  static constexpr std::uint64_t kEmptySlot = ~std::uint64_t{0};
  std::vector<std::uint64_t> slots_;
};

// The text a tree was parsed from: the tree's own copy, or a view of text its owner keeps alive
// longer than the tree (parse_view). Moving or copying keeps a copy pointing at its own bytes.
class SourceText {
 public:
  SourceText() = default;
  SourceText(const SourceText& other) { *this = other; }
  SourceText(SourceText&& other) noexcept { *this = std::move(other); }
  SourceText& operator=(const SourceText& other) {
    if (this == &other) return *this;
    owned_ = other.owned_;
    is_owned_ = other.is_owned_;
    view_ = is_owned_ ? std::string_view(owned_) : other.view_;
    return *this;
  }
  SourceText& operator=(SourceText&& other) noexcept {
    if (this == &other) return *this;
    owned_ = std::move(other.owned_);
    is_owned_ = other.is_owned_;
    view_ = is_owned_ ? std::string_view(owned_) : other.view_;
    other.view_ = {};
    other.is_owned_ = false;
    return *this;
  }

  void own(std::string_view text) {
    owned_.assign(text);
    is_owned_ = true;
    view_ = owned_;
  }
  void borrow(std::string_view text) {
    owned_.clear();
    is_owned_ = false;
    view_ = text;
  }
  std::string_view view() const { return view_; }
  std::size_t owned_bytes() const { return is_owned_ ? owned_.capacity() : 0; }

 private:
  std::string owned_;
  bool is_owned_ = false;
  std::string_view view_;
};

class Tree {
 public:
  // The chunk's Block. The chunk itself is a vararg function.
  NodeId root() const { return root_; }
  std::string_view source() const { return source_.view(); }
  LuaVersion version() const { return version_; }

  const Node& node(NodeId id) const { return nodes_[id]; }
  NodeKind kind(NodeId id) const { return nodes_[id].kind; }
  Range range(NodeId id) const { return {nodes_[id].start, nodes_[id].end}; }
  std::string_view text(NodeId id) const {
    return source().substr(nodes_[id].start, nodes_[id].end - nodes_[id].start);
  }
  std::uint32_t node_count() const { return static_cast<std::uint32_t>(nodes_.size()); }

  const LineIndex& lines() const { return lines_; }
  LineCol position(std::uint32_t offset) const { return lines_.position(offset); }
  const NameTable& names() const { return names_; }
  std::span<const Comment> comments() const { return comments_; }

  // Block, Return: the statements / the returned expressions.
  std::span<const NodeId> statements(NodeId block) const { return list(nodes_[block].a); }
  std::span<const NodeId> return_values(NodeId ret) const { return list(nodes_[ret].a); }
  // If: its clauses (IfClause), the first one for `if`, an `else` last if present.
  std::span<const NodeId> if_clauses(NodeId stat) const { return list(nodes_[stat].a); }
  // Do: its block. CallStat: its call (Call or MethodCall). Paren: the inner expression.
  // Goto/Label: the Name of the label.
  NodeId child(NodeId id) const { return nodes_[id].a; }
  // Table: its fields (TableField nodes).
  std::span<const NodeId> table_fields(NodeId table) const { return list(nodes_[table].a); }

  // Name nodes.
  NameId name_id(NodeId name) const { return nodes_[name].a; }
  std::string_view name_text(NodeId name) const { return names_.text(nodes_[name].a); }
  LocalAttrib attrib(NodeId name) const { return static_cast<LocalAttrib>(nodes_[name].op); }

  // String and Number nodes: the value (escapes decoded).
  std::string_view string_value(NodeId str) const {
    const Node& n = nodes_[str];
    return std::string_view(strings_).substr(n.a, n.b);
  }
  bool is_long_string(NodeId str) const { return nodes_[str].op != 0; }
  NumberValue number_value(NodeId num) const;

  LocalView local(NodeId id) const;
  LocalFunctionView local_function(NodeId id) const;
  FunctionView function(NodeId id) const;
  AssignView assign(NodeId id) const;
  WhileView while_loop(NodeId id) const;
  RepeatView repeat(NodeId id) const;
  IfClauseView if_clause(NodeId id) const;
  NumericForView numeric_for(NodeId id) const;
  GenericForView generic_for(NodeId id) const;
  FunctionExprView function_expr(NodeId id) const;
  TableFieldView table_field(NodeId id) const;
  BinaryView binary(NodeId id) const;
  UnaryView unary(NodeId id) const;
  IndexView index(NodeId id) const;
  FieldView field(NodeId id) const;
  MethodCallView method_call(NodeId id) const;
  CallView call(NodeId id) const;

  // Bytes held by the tree (nodes, lists, names, strings, comments, lines, source copy).
  std::size_t memory_bytes() const;

 private:
  friend class TreeBuilder;
  friend class Parser;
  friend ParseResult parse(std::string_view, LuaVersion);
  friend ParseResult parse_view(std::string_view, LuaVersion);
  friend void parse_into(ParseResult&, LuaVersion);
  std::span<const NodeId> list(std::uint32_t at) const {
    return {lists_.data() + at + 1, lists_[at]};
  }

  SourceText source_;
  LuaVersion version_ = LuaVersion::Lua54;
  NodeId root_ = kNoNode;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> lists_{0};  // each list: its length, then its items; 0 = empty list
  std::vector<Comment> comments_;
  std::string strings_;  // decoded string literal values, back to back
  NameTable names_;
  LineIndex lines_;
};

}  // namespace moonring::lua
