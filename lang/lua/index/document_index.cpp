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

// How a symbol's references reach: which group of occurrences it belongs to.
struct Group {
  enum Scope : std::uint8_t { document, global, member };
  Scope scope = document;
  std::string key;     // unique within the scope (the document's, or the workspace's)
  std::string module;  // member: the module file's absolute path
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
    g.module = std::string(module);
    g.key = g.module + '\0' + s.name;
    return g;
  }
  if (s.kind == K::Global) {
    g.scope = Group::global;
    g.key = s.name;
    return g;
  }
  switch (s.kind) {
    case K::Local:
    case K::Parameter:
      g.key = "v" + std::to_string(s.local);
      break;
    case K::Label: {
      auto declared = query::declaration(tree, binding, s);
      g.key = "l" + s.name + '@' + std::to_string(declared ? declared->start : s.range.start) +
              (declared ? "" : "u");
      break;
    }
    case K::Field:
    case K::Method: {
      const query::Owner& o = s.owner;
      if (!o.known()) {
        g.key = "u" + std::to_string(s.range.start);  // f().x: only itself
        break;
      }
      g.key = "f" + std::to_string(o.local) + '\0' + o.global + '\0' + o.module + '\0' +
              (o.this_module ? "m" : "") + '\0' + o.path + '\0' + s.name;
      break;
    }
    case K::Global:
      break;
  }
  return g;
}

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

IndexedDocument index_document(const DocumentInput& input, const WorkspaceFacts& facts,
                               const Package& package, const std::vector<std::string>& roots) {
  IndexedDocument out;
  out.path = input.path;
  out.relative_path = input.relative_path;
  workspace::Snapshot doc;
  doc.uri = input.path;
  doc.text = input.text;
  doc.lines = workspace::LineIndex(doc.text);
  const WorkspaceCheckOptions& options = *input.options;
  const FileAnalysis analysis = analyze_view(doc.text, options.version);
  const Tree& tree = analysis.parsed.tree;
  const FileBinding& binding = analysis.binding;
  const query::WorkspaceIndex& workspace = facts.index();

  const std::string prefix = symbol_prefix(package);
  std::unordered_map<std::string, std::uint32_t> by_key[3];
  std::vector<query::Symbol> first;  // each symbol's first occurrence here
  std::vector<Group> groups;
  std::uint32_t locals = 0;
  std::vector<bool> declares;  // per occurrence: query::Symbol::declaration
  std::vector<query::Symbol> all = query::all_symbols(tree, binding);
  for (const query::Symbol& s : all) {
    Group g = group_of(workspace, input.path, tree, binding, s);
    auto [it, fresh] =
        by_key[g.scope].try_emplace(g.key, static_cast<std::uint32_t>(out.symbols.size()));
    if (fresh) {
      IndexSymbol sym;
      sym.display_name = s.name;
      sym.kind = kind_of(s);
      if (g.scope == Group::global) {
        sym.function = facts.global_function(s.name);
        sym.symbol = prefix + term_or_method(s.name, sym.function);
      } else if (g.scope == Group::member) {
        sym.kind = SymbolKind::module_member;
        sym.function = facts.member_function(g.module, s.name);
        sym.symbol = prefix + module_descriptors(relative_to(roots, g.module)) +
                     term_or_method(s.name, sym.function);
      } else {
        sym.symbol = "local " + std::to_string(locals++);
      }
      out.symbols.push_back(std::move(sym));
      first.push_back(s);
      groups.push_back(std::move(g));
    }
    out.occurrences.push_back({span(doc, s.range), it->second, false, s.write});
    declares.push_back(s.declaration);
  }

  // Definitions: where query::definitions finds them (a declaration here; a module member's
  // writes in its module file). query::declaration of a name that is not a local is the first of
  // its occurrences that writes or declares it: the group holds those occurrences already, so
  // that rule is applied to them here rather than by re-scanning the file per symbol.
  std::vector<std::optional<Range>> declared(out.symbols.size());
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    const query::SymbolKind k = first[i].kind;
    if (k == query::SymbolKind::Local || k == query::SymbolKind::Parameter)
      declared[i] = query::declaration(tree, binding, first[i]);
  }
  for (std::size_t k = 0; k < out.occurrences.size(); ++k) {
    const IndexOccurrence& o = out.occurrences[k];
    const query::SymbolKind kind = first[o.symbol].kind;
    if (kind == query::SymbolKind::Local || kind == query::SymbolKind::Parameter) continue;
    if (!declared[o.symbol] && (o.write || declares[k]))
      declared[o.symbol] = Range{o.span.bytes.start, o.span.bytes.end};
  }
  for (IndexOccurrence& o : out.occurrences) {
    const Group& g = groups[o.symbol];
    if (g.scope == Group::member)
      o.definition = g.module == input.path && o.write;
    else
      o.definition = declared[o.symbol] && declared[o.symbol]->start == o.span.bytes.start;
    if (o.definition) out.symbols[o.symbol].defined_here = true;
  }
  // A method's implicit `self` is declared at the method's name (query::declaration), which is
  // the method's occurrence: the self's definition is a second occurrence of that range, after it.
  bool implicit = false;
  for (std::size_t i = 0; i < out.symbols.size(); ++i) {
    if (first[i].kind != query::SymbolKind::Parameter || !declared[i]) continue;
    if (binding.locals[first[i].local].kind != LocalKind::Self) continue;
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
    // Declared here: `declared` is query::definitions' answer already (see above); a module
    // member's definitions are its module file's writes, which the index looks up.
    std::vector<query::Location> defs;
    if (groups[i].scope != Group::member && declared[i])
      defs.push_back({input.path, *declared[i], true, true});
    else
      defs = query::definitions(workspace, input.path, tree, binding, first[i]);
    if (auto h = query::hover(workspace, input.path, tree, binding, first[i], defs))
      sym.documentation = query::hover_markdown(*h);
  }

  const lua::FileSummary summary = summarise(analysis, options, input.inline_options, false);
  out.diagnostics = finish(summary, facts.assigned());
  return out;
}

}  // namespace moonring::lua::index
