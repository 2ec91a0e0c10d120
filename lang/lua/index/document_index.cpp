// One document of the index: every Name node's symbol (query::symbol_at), grouped by what its
// references are (a local, a label, a field of one owner: this file; a global or a module
// member: the workspace), each group's definition (query::declaration, or for a module member
// the writes in its module, where query::definitions looks), hover text and diagnostics.
#include "lang/lua/index/document_index.hpp"

#include <algorithm>
#include <unordered_map>

#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/services/file_summary.hpp"
#include "lang/lua/services/service_values.hpp"

namespace moonring::lua::index {
namespace {

SymbolKind kind_of(const query::Symbol& s) {
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
  bool flag = false;    // label: undeclared; field: the owner is this module
  std::uint32_t a = 0;  // local: the local; label: its declaration's start; field: owner local
  std::string_view s1, s2, s3, s4;  // global: name; member: module, name; field: owner, name
  std::string_view module() const { return scope == member ? s1 : std::string_view(); }
  bool operator==(const Group&) const = default;
};

struct GroupHash {
  std::size_t operator()(const Group& g) const {
    std::hash<std::string_view> h;
    std::size_t x = (std::size_t{g.scope} << 8 | g.tag) ^ (std::size_t{g.a} << 16) ^ g.flag;
    if (g.tag == Group::local || g.tag == Group::lone_field) return x * 1099511628211ull;
    for (std::string_view v : {g.s1, g.s2, g.s3, g.s4})
      if (!v.empty()) x = (x * 1099511628211ull) ^ h(v);
    return x;
  }
};

Group group_of(const query::WorkspaceIndex& workspace, std::string_view path, const Tree& tree,
               const FileBinding& binding, const query::Symbol& s) {
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
      auto declared = query::declaration(tree, binding, s);
      g.tag = Group::label;
      g.s1 = s.name;
      g.a = declared ? declared->start : s.range.start;
      g.flag = !declared;
      break;
    }
    case K::Field:
    case K::Method: {
      const query::Owner& o = s.owner;
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
      g.s3 = o.path;
      g.s4 = s.name;
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
  std::unordered_map<Group, std::uint32_t, GroupHash> by_group;
  std::vector<std::uint32_t> first;  // each symbol's first occurrence here (in `all`)
  std::vector<Group> groups;
  std::uint32_t locals = 0;
  std::vector<NodeId> bound;  // per name: the function it binds when it writes
  const std::vector<query::Symbol> all = query::all_symbols(tree, binding, &bound);
  out.occurrences.reserve(all.size());
  Spans spans(doc);
  for (std::size_t k = 0; k < all.size(); ++k) {
    const query::Symbol& s = all[k];
    Group g = group_of(workspace, input.path, tree, binding, s);
    auto [it, fresh] = by_group.try_emplace(g, static_cast<std::uint32_t>(out.symbols.size()));
    if (fresh) {
      IndexSymbol sym;
      sym.display_name = s.name;
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
      groups.push_back(g);
    }
    out.occurrences.push_back({spans(s.range), it->second, false, s.write});
  }

  // Definitions: where query::definitions finds them (a declaration here; a module member's
  // writes in its module file). query::declaration of a name that is not a local is the first of
  // its occurrences that writes or declares it: the group holds those occurrences already, so
  // that rule is applied to them here rather than by re-scanning the file per symbol.
  std::vector<std::optional<Range>> declared(out.symbols.size());
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    const query::SymbolKind k = all[first[i]].kind;
    if (k == query::SymbolKind::Local || k == query::SymbolKind::Parameter)
      declared[i] = query::declaration(tree, binding, all[first[i]]);
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
    std::vector<query::Location> defs;
    std::optional<NodeId> fn;
    if (declared[i] && (groups[i].scope != Group::member || groups[i].module() == input.path)) {
      defs.push_back({input.path, *declared[i], true, true});
      auto at = std::lower_bound(
          all.begin(), all.end(), declared[i]->start,
          [](const query::Symbol& x, std::uint32_t start) { return x.range.start < start; });
      if (at != all.end() && at->range.start == declared[i]->start && at->write)
        fn = bound[static_cast<std::size_t>(at - all.begin())];
    } else {
      defs = query::definitions(workspace, input.path, tree, binding, all[first[i]]);
    }
    if (auto h = query::hover(workspace, input.path, tree, binding, all[first[i]], defs, fn))
      sym.documentation = query::hover_markdown(*h);
  }

  const lua::FileSummary summary = summarise(analysis, options, input.inline_options, false);
  out.diagnostics = finish(summary, facts.assigned());
  return out;
}

}  // namespace moonring::lua::index
