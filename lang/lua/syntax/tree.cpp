// The syntax tree's read side: line index, name interning, and the typed views of nodes.
#include "lang/lua/syntax/tree.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace moonring::lua {

LineIndex::LineIndex(std::string_view source) {
  // A large source's vector is mapped pages whose untouched part costs address space only: room
  // for a line per 2 bytes, so that it does not grow by copying (a 20 MB file of short lines did
  // twice). A small one's comes from the heap: room for typical lines.
  starts_.reserve(source.size() / (source.size() >= (std::size_t{1} << 20) ? 2 : 32) + 1);
  starts_.push_back(0);
  const char* const begin = source.data();
  const std::size_t n = source.size();
  if (std::memchr(begin, '\r', n) == nullptr) {
    // The usual case, only '\n': memchr finds them fast.
    for (const char* p = begin;
         (p = static_cast<const char*>(std::memchr(p, '\n', n - (p - begin))));) {
      ++p;
      starts_.push_back(static_cast<std::uint32_t>(p - begin));
    }
    return;
  }
  // Lua's line breaks: \n, \r, \r\n and \n\r each count as one.
  for (std::size_t i = 0; i < n; ++i) {
    char c = source[i];
    if (c != '\n' && c != '\r') continue;
    if (i + 1 < n && (source[i + 1] == '\n' || source[i + 1] == '\r') && source[i + 1] != c) ++i;
    starts_.push_back(static_cast<std::uint32_t>(i + 1));
  }
}

LineCol LineIndex::position(std::uint32_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  auto line = static_cast<std::uint32_t>(it - starts_.begin());  // >= 1: starts_[0] == 0
  return {line, offset - starts_[line - 1] + 1};
}

LineCol LineCursor::position(std::uint32_t offset) {
  const std::vector<std::uint32_t>& starts = lines_.starts_;
  const auto count = static_cast<std::uint32_t>(starts.size());
  if (offset >= starts[line_ - 1]) {
    // Forward: the same line or one of the next few, else a search of the lines after it.
    for (int step = 0; step < 8; ++step) {
      if (line_ == count || offset < starts[line_]) return {line_, offset - starts[line_ - 1] + 1};
      ++line_;
    }
    const auto it = std::upper_bound(starts.begin() + line_, starts.end(), offset);
    line_ = static_cast<std::uint32_t>(it - starts.begin());
    return {line_, offset - starts[line_ - 1] + 1};
  }
  const LineCol at = lines_.position(offset);
  line_ = at.line;
  return at;
}

NameId NameTable::find(std::string_view text) const {
  if (slots_.empty()) return kNoNode;
  const std::uint64_t hash = name_hash(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == kEmptySlot) return kNoNode;
    const auto id = static_cast<NameId>(slot);
    if ((slot >> 32) == hash && this->text(id) == text) return id;
  }
}

void NameTable::grow() {
  const std::size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
  std::vector<std::uint64_t> old(capacity, kEmptySlot);
  old.swap(slots_);
  const std::size_t mask = capacity - 1;
  for (const std::uint64_t slot : old) {
    if (slot == kEmptySlot) continue;
    std::size_t i = (slot >> 32) & mask;
    while (slots_[i] != kEmptySlot) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

NameId NameTable::intern(std::string_view text, std::uint32_t text_hash) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  const std::uint64_t hash = text_hash;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == kEmptySlot) break;
    const auto id = static_cast<NameId>(slot);
    if ((slot >> 32) == hash && this->text(id) == text) return id;
  }
  const NameId id = size();
  chars_.append(text);
  offsets_.push_back(static_cast<std::uint32_t>(chars_.size()));
  slots_[i] = hash << 32 | id;
  return id;
}

NumberValue Tree::number_value(NodeId num) const {
  const Node& n = nodes_[num];
  NumberValue v;
  v.kind = static_cast<NumberKind>(n.op);
  std::uint64_t bits = (std::uint64_t{n.b} << 32) | n.a;
  if (v.kind == NumberKind::Float || v.kind == NumberKind::Imaginary) {
    v.real = std::bit_cast<double>(bits);
  } else {
    v.integer = static_cast<std::int64_t>(bits);
  }
  return v;
}

LocalView Tree::local(NodeId id) const {
  return {list(nodes_[id].a), list(nodes_[id].b)};
}
LocalFunctionView Tree::local_function(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
FunctionView Tree::function(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b, nodes_[id].c};
}
AssignView Tree::assign(NodeId id) const {
  return {list(nodes_[id].a), list(nodes_[id].b)};
}
WhileView Tree::while_loop(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
RepeatView Tree::repeat(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
IfClauseView Tree::if_clause(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
NumericForView Tree::numeric_for(NodeId id) const {
  const Node& n = nodes_[id];
  auto e = list(n.b);
  return {n.a, e.size() > 0 ? e[0] : kNoNode, e.size() > 1 ? e[1] : kNoNode,
          e.size() > 2 ? e[2] : kNoNode, n.c};
}
GenericForView Tree::generic_for(NodeId id) const {
  const Node& n = nodes_[id];
  return {list(n.a), list(n.b), n.c};
}
FunctionExprView Tree::function_expr(NodeId id) const {
  const Node& n = nodes_[id];
  return {list(n.a), (n.flags & 1) != 0, (n.flags & 2) != 0, n.b};
}
TableFieldView Tree::table_field(NodeId id) const {
  const Node& n = nodes_[id];
  return {static_cast<FieldKind>(n.op), n.a, n.b};
}
BinaryView Tree::binary(NodeId id) const {
  const Node& n = nodes_[id];
  return {static_cast<BinaryOp>(n.op), n.a, n.b};
}
UnaryView Tree::unary(NodeId id) const {
  const Node& n = nodes_[id];
  return {static_cast<UnaryOp>(n.op), n.a};
}
IndexView Tree::index(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
FieldView Tree::field(NodeId id) const {
  return {nodes_[id].a, nodes_[id].b};
}
MethodCallView Tree::method_call(NodeId id) const {
  const Node& n = nodes_[id];
  return {n.a, n.b, list(n.c), static_cast<CallArgs>(n.op)};
}
CallView Tree::call(NodeId id) const {
  const Node& n = nodes_[id];
  return {n.a, list(n.b), static_cast<CallArgs>(n.op)};
}

std::size_t Tree::memory_bytes() const {
  return source_.owned_bytes() + nodes_.capacity() * sizeof(Node) +
         lists_.capacity() * sizeof(std::uint32_t) + comments_.capacity() * sizeof(Comment) +
         strings_.capacity() + names_.size() * 20 + lines_.line_count() * 4;
}

}  // namespace moonring::lua
