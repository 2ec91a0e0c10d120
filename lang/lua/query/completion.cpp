// Completion: the text before the offset says what is wanted (a name, a key after `.`, a method
// after `:`); the tree and the index say what exists there.
#include "lang/lua/query/completion.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>

#include "lang/lua/query/callee.hpp"
#include "lang/lua/query/doc_comment.hpp"
#include "lang/lua/query/function_info.hpp"
#include "lang/lua/query/scope.hpp"
#include "lang/lua/query/stdlib_docs.hpp"
#include "lang/lua/query/walk.hpp"
#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::query {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool subsequence(std::string_view typed, std::string_view label) {
  std::size_t i = 0;
  for (char c : label)
    if (i < typed.size() && lower(c) == lower(typed[i])) ++i;
  return i == typed.size();
}

bool starts_with(std::string_view typed, std::string_view label) {
  if (typed.size() > label.size()) return false;
  for (std::size_t i = 0; i < typed.size(); ++i)
    if (lower(typed[i]) != lower(label[i])) return false;
  return true;
}

// Where the innermost function around `offset` starts (0 at the chunk's top level): a local
// declared before it belongs to an enclosing function.
std::uint32_t function_start(const Tree& t, std::uint32_t offset) {
  std::vector<NodeId> path = path_at(t, offset, true);
  for (std::size_t i = path.size(); i-- > 0;)
    if (t.kind(path[i]) == NodeKind::FunctionExpr) return t.node(path[i]).start;
  return 0;
}

bool in_comment(const Tree& t, std::uint32_t offset) {
  auto cs = t.comments();
  auto it = std::upper_bound(cs.begin(), cs.end(), offset,
                             [](std::uint32_t o, const Comment& c) { return o < c.range.start; });
  if (it == cs.begin()) return false;
  const Comment& c = *(it - 1);
  // A line comment runs to the end of its line, which its range stops before.
  return offset < c.range.end || (!c.long_form && offset == c.range.end);
}

bool in_string(const Tree& t, std::uint32_t offset) {
  std::vector<NodeId> path = path_at(t, offset);
  return !path.empty() && t.kind(path.back()) == NodeKind::String &&
         offset > t.node(path.back()).start;
}

struct Snippet {
  std::string_view label;
  std::string_view body;
};
constexpr Snippet kSnippets[] = {
    {"function", "function ${1:name}(${2})\n\t$0\nend"},
    {"local function", "local function ${1:name}(${2})\n\t$0\nend"},
    {"if", "if ${1:condition} then\n\t$0\nend"},
    {"for i", "for ${1:i} = ${2:1}, ${3:n} do\n\t$0\nend"},
    {"for pairs", "for ${1:k}, ${2:v} in pairs(${3:t}) do\n\t$0\nend"},
    {"for ipairs", "for ${1:i}, ${2:v} in ipairs(${3:t}) do\n\t$0\nend"},
    {"while", "while ${1:condition} do\n\t$0\nend"},
    {"repeat", "repeat\n\t$0\nuntil ${1:condition}"},
};

constexpr std::string_view kKeywords[] = {"and",   "break", "do",       "else", "elseif", "end",
                                          "false", "for",   "function", "goto", "if",     "in",
                                          "local", "nil",   "not",      "or",   "repeat", "return",
                                          "then",  "true",  "until",    "while"};

class Completer {
 public:
  Completer(const WorkspaceIndex& index, std::string_view path, const Tree& t, const FileBinding& b)
      : index_(index), path_(path), t_(t), b_(b) {}

  void names(std::uint32_t at, std::string_view typed) {
    typed_ = typed;
    const std::uint32_t function = function_start(t_, at);
    for (LocalId id : visible_locals(t_, b_, at)) {
      const LocalInfo& info = b_.locals[id];
      CompletionItem item;
      item.label = std::string(t_.names().text(info.name));
      bool param = info.kind == LocalKind::Param || info.kind == LocalKind::Self;
      item.kind = param ? CompletionKind::Parameter : CompletionKind::Local;
      item.detail = param ? "parameter" : "local";
      NodeId fn = info.decl.end > info.decl.start ? function_bound_at(t_, info.decl) : kNoNode;
      if (fn != kNoNode) {
        item.kind = CompletionKind::Function;
        item.detail = "local function " + item.label + "(" + parameter_list(t_, fn) + ")";
      }
      if (info.decl.end > info.decl.start) item.documentation = doc_comment(t_, info.decl);
      item.rank = info.decl.start < function ? kRankUpvalue : kRankLocal;
      add(std::move(item));
    }
    // Globals this file or the workspace sets.
    for (const GlobalAccess& g : b_.globals)
      if (g.kind == AccessKind::Set) global(std::string(global_name(t_, g)));
    index_.for_each_set_global([&](std::string_view name, std::uint32_t) {
      if (subsequence(typed_, name)) global(std::string(name));
    });
    for (const stdlib::Member& m : stdlib::globals(t_.version())) {
      CompletionItem item;
      item.label = std::string(m.name);
      item.kind = m.kind == stdlib::Kind::Function  ? CompletionKind::Function
                  : m.kind == stdlib::Kind::Library ? CompletionKind::Module
                                                    : CompletionKind::Global;
      item.detail = m.kind == stdlib::Kind::Function
                        ? std::string(m.name) + "(" + std::string(m.params) + ")"
                        : std::string(m.name);
      item.documentation =
          std::string(m.kind == stdlib::Kind::Library ? stdlib_description(m.name, "")
                                                      : stdlib_description("", m.name));
      item.rank = kRankLibrary;
      add(std::move(item));
    }
    for (std::string_view k : kKeywords)
      add({std::string(k), CompletionKind::Keyword, "", "", "", kRankKeyword});
    for (const Snippet& s : kSnippets)
      add({std::string(s.label), CompletionKind::Snippet, "snippet", "", std::string(s.body),
           kRankKeyword});
  }

  void keys(const Chain& chain, std::string_view typed) {
    typed_ = typed;
    Owner owner = chain_owner(t_, b_, chain, chain.keys.size());
    for (Key& k : keys_of(index_, t_, b_, owner)) {
      if (chain.method && !k.function) continue;
      CompletionItem item;
      item.label = k.name;
      item.kind = k.function ? CompletionKind::Method : CompletionKind::Field;
      if (!chain.method && k.function && !k.method) item.kind = CompletionKind::Function;
      std::string sep = k.method ? ":" : ".";
      item.detail =
          k.function ? "function " + chain.root + sep + k.name + "(" + k.params + ")" : "field";
      item.documentation = std::move(k.doc);
      item.rank = k.stdlib ? kRankLibrary : kRankField;
      add(std::move(item));
    }
  }

  std::vector<CompletionItem> take() {
    const auto key = [this](const CompletionItem& i) {
      return std::tuple(i.rank, !starts_with(typed_, i.label), std::string_view(i.label));
    };
    std::stable_sort(
        items_.begin(), items_.end(),
        [&](const CompletionItem& a, const CompletionItem& b) { return key(a) < key(b); });
    return std::move(items_);
  }

 private:
  void global(std::string name) {
    if (seen_.contains(name)) return;  // a local of that name hides it
    CompletionItem item;
    item.label = std::move(name);
    item.kind = CompletionKind::Global;
    item.detail = "global";
    item.rank = kRankGlobal;
    add(std::move(item));
  }

  // One item per label (the first added wins: locals before globals before the standard
  // library); snippets stand beside the keyword they start with.
  void add(CompletionItem item) {
    if (!subsequence(typed_, item.label)) return;
    if (item.kind != CompletionKind::Snippet && !seen_.insert(item.label).second) return;
    items_.push_back(std::move(item));
  }

  const WorkspaceIndex& index_;
  std::string_view path_;
  const Tree& t_;
  const FileBinding& b_;
  std::string_view typed_;
  std::unordered_set<std::string> seen_;
  std::vector<CompletionItem> items_;
};

}  // namespace

Completion complete(const WorkspaceIndex& index, std::string_view path, const Tree& t,
                    const FileBinding& b, std::uint32_t offset) {
  Completion out;
  const std::string_view src = t.source();
  if (offset > src.size()) return out;
  if (in_comment(t, offset) || in_string(t, offset)) return out;
  std::uint32_t start = offset;
  while (start > 0 && name_char(src[start - 1])) --start;
  out.replace = {start, offset};
  const std::string_view typed = src.substr(start, offset - start);
  if (!typed.empty() && typed[0] >= '0' && typed[0] <= '9') return out;  // a number
  Completer c(index, path, t, b);
  const char before = start > 0 ? src[start - 1] : '\0';
  const bool concat = start > 1 && src[start - 2] == '.';
  const bool label = start > 1 && src[start - 2] == ':';
  if ((before == '.' && !concat) || (before == ':' && !label)) {
    auto chain = chain_before(t, b, start - 1);
    if (!chain) return out;
    Chain target = *chain;
    target.method = before == ':';
    c.keys(target, typed);
  } else {
    c.names(start, typed);
  }
  out.items = c.take();
  return out;
}

}  // namespace moonring::lua::query
