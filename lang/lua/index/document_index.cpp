// One document of the index: every Name node's symbol (query::symbol_at), grouped by what its
// references are (a local, a label, a field of one owner: this file; a global or a module
// member: the workspace), each group's definition (query::declaration, or for a module member
// the writes in its module, where query::definitions looks), hover text and diagnostics.
#include "lang/lua/index/document_index.hpp"

#include <algorithm>
#include <bit>

#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/services/file_summary.hpp"
#include "lang/lua/services/service_values.hpp"

namespace moonring::lua::index {
namespace {

SymbolKind kind_of(const query::SymbolView& s) {
  switch (s.kind) {
    case query::SymbolKind::Local:
      return SymbolKind::local;
    case query::SymbolKind::Parameter:
      return SymbolKind::parameter;
    case query::SymbolKind::Global:
      return SymbolKind::global;
    case query::SymbolKind::Field:
      return SymbolKind::field;
    case query::SymbolKind::Method:
      return SymbolKind::method;
    case query::SymbolKind::Label:
      return SymbolKind::label;
  }
  return SymbolKind::local;
}

// How a symbol's references reach: which group of occurrences it belongs to. The key's views
// point into the symbols of the walk (or the workspace index), which outlive the grouping.
struct Group {
  enum Scope : std::uint8_t { document, global, member };
  enum Tag : std::uint8_t { none, local, label, lone_field, field };
  Scope scope = document;
  Tag tag = none;
  bool flag = false;       // label: undeclared; field: the owner is this module
  std::uint32_t a = 0;     // local: the local; label: its declaration's start; field: owner local
  std::uint32_t path = 0;  // field: the owner's keys (query::OwnerKey::path)
  std::string_view s1, s2, s3;  // global: name; member: module, name; field: global, module, name
  std::string_view module() const { return scope == member ? s1 : std::string_view(); }
  bool operator==(const Group&) const = default;
};

struct GroupHash {
  std::size_t operator()(const Group& g) const {
    std::hash<std::string_view> h;
    std::size_t x = (std::size_t{g.scope} << 8 | g.tag) ^ (std::size_t{g.a} << 16) ^ g.flag ^
                    (std::size_t{g.path} << 40);
    if (g.tag == Group::local || g.tag == Group::lone_field) return x * 1099511628211ull;
    for (std::string_view v : {g.s1, g.s2, g.s3})
      if (!v.empty()) x = (x * 1099511628211ull) ^ h(v);
    return x;
  }
};

// Symbols by group: open addressing over the document's `groups` (an index per slot, slots
// for every name of the document), not a hash node per group.
class GroupTable {
 public:
  explicit GroupTable(std::size_t names)
      : slots_(std::bit_ceil(2 * names + 2), kEmpty),
        shift_(64 - static_cast<unsigned>(std::countr_zero(slots_.size()))) {}

  // The symbol of `g`: found, or (second = true) appended to `groups` as a new one.
  std::pair<std::uint32_t, bool> find_or_add(const Group& g, std::vector<Group>& groups) {
    const std::size_t mask = slots_.size() - 1;
    // GroupHash's low bits are weak (a local's id is shifted up): take the product's high bits.
    const std::size_t hash = GroupHash{}(g);
    std::size_t i = (hash * 0x9e3779b97f4a7c15ull) >> shift_;
    for (;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = static_cast<std::uint32_t>(groups.size());
        groups.push_back(g);
        return {slots_[i], true};
      }
      if (groups[slots_[i]] == g) return {slots_[i], false};
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = ~std::uint32_t{0};
  std::vector<std::uint32_t> slots_;
  unsigned shift_;
};

Group group_of(const query::WorkspaceIndex& workspace, std::string_view path, const Tree& tree,
               const FileBinding& binding, const query::SymbolWalk& walk, std::size_t k) {
  const query::SymbolView& s = walk.symbols[k];
  using K = query::SymbolKind;
  Group g;
  // A module member first: a global that a module-as-environment file sets (stdnse.module(...))
  // is what `require`rs of that file reach as a member, and its definition is there.
  std::string_view module = query::module_file_of(workspace, path, s);
  if (!module.empty()) {
    g.scope = Group::member;
    g.s1 = module;
    g.s2 = s.name;
    return g;
  }
  if (s.kind == K::Global) {
    g.scope = Group::global;
    g.s1 = s.name;
    return g;
  }
  switch (s.kind) {
    case K::Local:
    case K::Parameter:
      g.tag = Group::local;
      g.a = s.local;
      break;
    case K::Label: {
      auto declared = query::declaration(tree, binding, walk.symbol(k));
      g.tag = Group::label;
      g.s1 = s.name;
      g.a = declared ? declared->start : s.range.start;
      g.flag = !declared;
      break;
    }
    case K::Field:
    case K::Method: {
      const query::OwnerKey& o = s.owner;
      if (!o.known()) {
        g.tag = Group::lone_field;  // f().x: only itself
        g.a = s.range.start;
        break;
      }
      g.tag = Group::field;
      g.a = o.local;
      g.flag = o.this_module;
      g.s1 = o.global;
      g.s2 = o.module;
      g.path = o.path;
      g.s3 = s.name;
      break;
    }
    case K::Global:
      break;
  }
  return g;
}

// Spans of ascending offsets: the line found by moving forward from the last one, not by a
// search each time; non-ASCII lines (UTF-16 columns) as lua::span counts them.
class Spans {
 public:
  explicit Spans(const workspace::Snapshot& doc) : doc_(doc) {}
  service::Span operator()(Range r) { return {{r.start, r.end}, place(r.start), place(r.end)}; }

 private:
  service::Place place(std::uint32_t offset) {
    const workspace::LineIndex& lines = doc_.lines;
    if (offset > doc_.text.size()) return lua::place(doc_, offset);
    if (lines.line_start(line_) > offset) line_ = 0;  // not ascending: from the top
    while (line_ + 1 < lines.line_count() && lines.line_start(line_ + 1) <= offset) ++line_;
    if (!lines.is_ascii(line_)) return lua::place(doc_, offset);
    const std::size_t start = lines.line_start(line_);
    const auto c = static_cast<std::uint32_t>(
        std::min<std::size_t>(offset, lines.line_end(doc_.text, line_)) - start);
    return {static_cast<std::uint32_t>(line_), c, c};
  }

  const workspace::Snapshot& doc_;
  std::size_t line_ = 0;
};

}  // namespace

std::string relative_to(const std::vector<std::string>& roots, std::string_view path) {
  for (const std::string& root : roots) {
    std::string_view r = root;
    while (r.size() > 1 && r.back() == '/') r.remove_suffix(1);
    if (path.size() > r.size() && path.starts_with(r) && path[r.size()] == '/')
      return std::string(path.substr(r.size() + 1));
  }
  while (path.starts_with('/')) path.remove_prefix(1);
  return std::string(path);
}

IndexedDocument index_document(DocumentInput input, const WorkspaceFacts& facts,
                               const Package& package, const std::vector<std::string>& roots) {
  IndexedDocument out;
  out.path = input.path;
  out.relative_path = input.relative_path;
  workspace::Snapshot doc;
  doc.uri = input.path;
  doc.text = std::move(input.text);
  doc.lines = workspace::LineIndex(doc.text);
  const WorkspaceCheckOptions& options = *input.options;
  const FileAnalysis analysis = analyze_view(doc.text, options.version);
  const Tree& tree = analysis.parsed.tree;
  const FileBinding& binding = analysis.binding;
  const query::WorkspaceIndex& workspace = facts.index();

  const std::string prefix = symbol_prefix(package);
  std::vector<std::uint32_t> first;  // each symbol's first occurrence here (in `all`)
  std::vector<Group> groups;
  std::uint32_t locals = 0;
  // Per name: its symbol, and the function it binds when it writes.
  const query::SymbolWalk walk = query::symbol_walk(tree, binding, true);
  const std::vector<query::SymbolView>& all = walk.symbols;
  const std::vector<NodeId>& bound = walk.bound;
  GroupTable by_group(all.size());
  out.occurrences.reserve(all.size());
  Spans spans(doc);
  for (std::size_t k = 0; k < all.size(); ++k) {
    const query::SymbolView& s = all[k];
    Group g = group_of(workspace, input.path, tree, binding, walk, k);
    const auto [symbol, fresh] = by_group.find_or_add(g, groups);
    if (fresh) {
      IndexSymbol sym;
      sym.display_name = std::string(s.name);
      sym.kind = kind_of(s);
      if (g.scope == Group::global) {
        sym.function = facts.global_function(s.name);
        sym.symbol = prefix + term_or_method(s.name, sym.function);
      } else if (g.scope == Group::member) {
        sym.kind = SymbolKind::module_member;
        sym.function = facts.member_function(g.module(), s.name);
        sym.symbol = prefix + module_descriptors(relative_to(roots, g.module())) +
                     term_or_method(s.name, sym.function);
      } else {
        sym.symbol = "local " + std::to_string(locals++);
      }
      out.symbols.push_back(std::move(sym));
      first.push_back(static_cast<std::uint32_t>(k));
    }
    out.occurrences.push_back({spans(s.range), symbol, false, s.write});
  }

  // Definitions: where query::definitions finds them (a declaration here; a module member's
  // writes in its module file). query::declaration of a name that is not a local is the first of
  // its occurrences that writes or declares it: the group holds those occurrences already, so
  // that rule is applied to them here rather than by re-scanning the file per symbol.
  std::vector<std::optional<Range>> declared(out.symbols.size());
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    const query::SymbolKind k = all[first[i]].kind;
    if (k == query::SymbolKind::Local || k == query::SymbolKind::Parameter)
      declared[i] = query::local_declaration(binding, all[first[i]].local);
  }
  for (std::size_t k = 0; k < out.occurrences.size(); ++k) {
    const IndexOccurrence& o = out.occurrences[k];
    const query::SymbolKind kind = all[first[o.symbol]].kind;
    if (kind == query::SymbolKind::Local || kind == query::SymbolKind::Parameter) continue;
    if (!declared[o.symbol] && (o.write || all[k].declaration))
      declared[o.symbol] = Range{o.span.bytes.start, o.span.bytes.end};
  }
  for (IndexOccurrence& o : out.occurrences) {
    const Group& g = groups[o.symbol];
    if (g.scope == Group::member)
      o.definition = g.module() == input.path && o.write;
    else
      o.definition = declared[o.symbol] && declared[o.symbol]->start == o.span.bytes.start;
    if (o.definition) out.symbols[o.symbol].defined_here = true;
  }
  // A method's implicit `self` is declared at the method's name (query::declaration), which is
  // the method's occurrence: the self's definition is a second occurrence of that range, after it.
  bool implicit = false;
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    if (all[first[i]].kind != query::SymbolKind::Parameter || !declared[i]) continue;
    if (binding.locals[all[first[i]].local].kind != LocalKind::Self) continue;
    out.occurrences.push_back(
        {span(doc, *declared[i]), static_cast<std::uint32_t>(i), true, true, true});
    out.symbols[i].defined_here = implicit = true;
  }
  if (implicit)
    std::stable_sort(out.occurrences.begin(), out.occurrences.end(),
                     [](const IndexOccurrence& x, const IndexOccurrence& y) {
                       return x.span.bytes.start < y.span.bytes.start;
                     });

  // Hover documentation for what this document defines.
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    IndexSymbol& sym = out.symbols[i];
    if (!sym.defined_here) continue;
    // Declared here: `declared` is query::definitions' answer already (see above), for a member
    // of this file's module too (its first write here); the function that declaration binds
    // comes from the walk (`bound`) where a name starts there.
    const query::Symbol symbol = walk.symbol(first[i]);
    std::vector<query::Location> defs;
    std::optional<NodeId> fn;
    if (declared[i] && (groups[i].scope != Group::member || groups[i].module() == input.path)) {
      defs.push_back({input.path, *declared[i], true, true});
      auto at = std::lower_bound(
          all.begin(), all.end(), declared[i]->start,
          [](const query::SymbolView& x, std::uint32_t start) { return x.range.start < start; });
      if (at != all.end() && at->range.start == declared[i]->start && at->write)
        fn = bound[static_cast<std::size_t>(at - all.begin())];
    } else {
      defs = query::definitions(workspace, input.path, tree, binding, symbol);
    }
    if (auto h = query::hover(workspace, input.path, tree, binding, symbol, defs, fn))
      sym.documentation = query::hover_markdown(*h);
  }

  const lua::FileSummary summary = summarise(analysis, options, input.inline_options, false);
  out.diagnostics = finish(summary, facts.assigned());
  return out;
}

}  // namespace moonring::lua::index
