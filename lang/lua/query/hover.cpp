// Hover facts, from the symbol and its declaration: in this file from the tree, elsewhere from
// the index's definitions, for the standard library from its rows and descriptions.
#include "lang/lua/query/hover.hpp"

#include "lang/lua/query/doc_comment.hpp"
#include "lang/lua/query/function_info.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/stdlib_docs.hpp"
#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::query {

namespace {

std::string kind_word(stdlib::Kind k) {
  switch (k) {
    case stdlib::Kind::Function:
      return "standard library function";
    case stdlib::Kind::Library:
      return "standard library";
    case stdlib::Kind::File:
      return "standard library file";
    default:
      return "standard library value";
  }
}

// The owner's text for a signature: "M", "cfg.net", "string".
std::string owner_text(const Tree& t, const FileBinding& b, const Symbol& s) {
  std::string root;
  if (s.owner.local != kNoLocal) root = std::string(t.names().text(b.locals[s.owner.local].name));
  if (!s.owner.global.empty()) root = s.owner.global;
  if (!s.owner.module.empty()) root = s.owner.module;
  if (s.owner.this_module) root = "M";
  if (!s.owner.path.empty()) root += (root.empty() ? "" : ".") + s.owner.path;
  return root;
}

// Hover of a standard-library global or library field, or nullopt.
std::optional<Hover> stdlib_hover(const Tree& t, const Symbol& s) {
  std::string_view table;
  const stdlib::Member* m = nullptr;
  if (s.kind == SymbolKind::Global) {
    m = stdlib::find_global(t.version(), s.name);
  } else if ((s.kind == SymbolKind::Field || s.kind == SymbolKind::Method) &&
             s.owner.path.empty()) {
    table = !s.owner.global.empty() ? std::string_view(s.owner.global) : s.owner.module;
    if (!table.empty()) m = stdlib::find_field(t.version(), table, s.name);
  }
  if (m == nullptr) return std::nullopt;
  Hover h;
  h.range = s.range;
  h.kind = s.kind;
  h.what = kind_word(m->kind) + " (" + std::string(lua_version_name(t.version())) + ")";
  std::string full = table.empty() ? s.name : std::string(table) + "." + s.name;
  h.signature =
      m->kind == stdlib::Kind::Function ? full + "(" + std::string(m->params) + ")" : full;
  h.doc = std::string(stdlib_description(table, m->kind == stdlib::Kind::Library ? "" : s.name));
  if (m->kind == stdlib::Kind::Library) h.doc = std::string(stdlib_description(s.name, ""));
  return h;
}

}  // namespace

std::optional<Hover> hover(const WorkspaceIndex& index, std::string_view path, const Tree& t,
                           const FileBinding& b, std::uint32_t offset) {
  auto s = symbol_at(t, b, offset);
  if (!s) return std::nullopt;
  return hover(index, path, t, b, *s, definitions(index, path, t, b, *s));
}

std::optional<Hover> hover(const WorkspaceIndex& index, std::string_view path, const Tree& t,
                           const FileBinding& b, const Symbol& symbol,
                           const std::vector<Location>& defs, std::optional<NodeId> bound) {
  const Symbol* s = &symbol;
  // A standard library name nobody in the workspace defines.
  if (defs.empty())
    if (auto h = stdlib_hover(t, *s)) return h;

  Hover h;
  h.range = s->range;
  h.kind = s->kind;
  if (!defs.empty()) h.declaration = defs.front();
  const bool member = !module_file_of(index, path, *s).empty() && !s->exported;
  switch (s->kind) {
    case SymbolKind::Local:
      h.what = s->upvalue ? "upvalue" : "local";
      break;
    case SymbolKind::Parameter:
      h.what = s->upvalue ? "upvalue (parameter)" : "parameter";
      break;
    case SymbolKind::Global:
      h.what = s->exported ? "global (module member)" : "global";
      break;
    case SymbolKind::Field:
      h.what = member ? "module member" : "field";
      break;
    case SymbolKind::Method:
      h.what = member ? "module member (method)" : "method";
      break;
    case SymbolKind::Label:
      h.what = "label";
      h.signature = "::" + s->name + "::";
      return h;
  }

  // The function a declaration binds: in this file from the tree, elsewhere from the index.
  std::string params;
  bool function = false, method = s->kind == SymbolKind::Method;
  if (h.declaration && h.declaration->path == path) {
    NodeId fn = bound ? *bound : function_bound_at(t, h.declaration->range);
    if (fn != kNoNode) {
      function = true;
      params = parameter_list(t, fn);
      method = method || t.function_expr(fn).is_method;
    }
    h.doc = doc_comment(t, h.declaration->range);
  } else if (h.declaration) {
    if (const FileSummary* f = index.file(h.declaration->path)) {
      auto find = [&](const std::vector<FileSummary::Definition>& defs_of) {
        for (const FileSummary::Definition& d : defs_of)
          if (d.range.start == h.declaration->range.start) {
            function = d.function;
            method = method || d.method;
            params = d.params;
            h.doc = d.doc;
            return true;
          }
        return false;
      };
      if (!find(f->members)) find(f->global_functions);
    }
  }

  std::string owner = owner_text(t, b, *s);
  std::string qualified = owner.empty() ? s->name : owner + (method ? ":" : ".") + s->name;
  if (s->kind == SymbolKind::Local || s->kind == SymbolKind::Parameter) qualified = s->name;
  if (function) {
    std::string prefix = s->kind == SymbolKind::Local ? "local function " : "function ";
    h.signature = prefix + qualified + "(" + params + ")";
  } else if (s->kind == SymbolKind::Local) {
    h.signature = "local " + s->name;
  } else if (s->kind == SymbolKind::Parameter) {
    h.signature = "(parameter) " + s->name;
  } else if (s->kind == SymbolKind::Global) {
    h.signature = "global " + s->name;
  } else {
    h.signature = "(field) " + qualified;
  }
  return h;
}

std::string hover_markdown(const Hover& h) {
  // One allocation: an indexer writes this for every symbol it defines.
  constexpr std::string_view open = "```lua\n", close = "\n```\n\n*", gap = "\n\n";
  std::string out;
  out.reserve(open.size() + h.signature.size() + close.size() + h.what.size() + 1 + gap.size() +
              h.doc.size());
  out.append(open).append(h.signature).append(close).append(h.what).append(1, '*');
  if (!h.doc.empty()) out.append(gap).append(h.doc);
  return out;
}

}  // namespace moonring::lua::query
