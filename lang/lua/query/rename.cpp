// Rename: the symbol's references across the workspace become edits, after the checks that keep
// the program's meaning (no capture by or of another name of the new spelling).
#include "lang/lua/query/rename.hpp"

#include "lang/lua/query/references.hpp"
#include "lang/lua/query/scope.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/query/walk.hpp"
#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::query {

namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s)
    if (!is_name_char(c)) return false;
  return !is_keyword(s);
}

// The word of identifier characters around `offset` (a keyword, when the parser made no name).
std::string_view word_at(std::string_view src, std::uint32_t offset) {
  std::size_t a = std::min<std::size_t>(offset, src.size()), e = a;
  while (a > 0 && is_name_char(src[a - 1])) --a;
  while (e < src.size() && is_name_char(src[e])) ++e;
  return src.substr(a, e - a);
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Why the symbol may not be renamed, or empty.
std::string refusal(const Tree& t, const FileBinding& b, const Symbol& s) {
  const LuaVersion v = t.version();
  const std::string lua = std::string(lua_version_name(v));
  if (s.kind == SymbolKind::Global && stdlib::is_global(v, s.name))
    return quoted(s.name) + " is part of the " + lua + " standard library";
  if ((s.kind == SymbolKind::Field || s.kind == SymbolKind::Method) && s.owner.path.empty()) {
    std::string_view lib = !s.owner.global.empty() ? s.owner.global : s.owner.module;
    if (!lib.empty() && stdlib::find_field(v, lib, s.name) != nullptr)
      return quoted(std::string(lib) + "." + s.name) + " is part of the " + lua +
             " standard library";
  }
  if (s.kind == SymbolKind::Parameter && b.locals[s.local].kind == LocalKind::Self)
    return "'self' is the implicit parameter of a method and cannot be renamed";
  if ((s.kind == SymbolKind::Local) && b.locals[s.local].kind == LocalKind::Implicit)
    return "'arg' is implicit and cannot be renamed";
  return {};
}

// A rename of local `id` to `name` that changes what some name refers to, described; or empty.
std::string local_conflict(const Tree& t, const FileBinding& b, LocalId id, std::string_view name) {
  const NameId nid = t.names().find(name);
  if (nid == kNoNode) return {};  // nothing in the file is spelt that way
  const LocalInfo& info = b.locals[id];
  // An occurrence would be captured by a local of the new name declared later, inside the scope.
  for (LocalId other = 0; other < b.locals.size(); ++other) {
    const LocalInfo& o = b.locals[other];
    if (other == id || o.name != nid || o.decl.start <= info.decl.start) continue;
    const Range inner = local_scope(t, b, other);
    for (const NameRef& r : b.refs)
      if (r.target == RefTarget::Local && r.local == id && r.range.start >= inner.start &&
          r.range.start < inner.end)
        return "the local " + quoted(name) + " declared at line " +
               std::to_string(t.position(o.decl.start).line) + " would capture the use at line " +
               std::to_string(t.position(r.range.start).line);
  }
  // A use of a global or outer local of the new name inside the scope would be captured.
  const Range scope = local_scope(t, b, id);
  for (const NameRef& r : b.refs) {
    if (r.range.start < scope.start || r.range.start >= scope.end) continue;
    if (t.name_id(r.node) != nid) continue;
    bool outer = r.target == RefTarget::Global || r.target == RefTarget::EnvField ||
                 (r.target == RefTarget::Local && b.locals[r.local].decl.start < info.decl.start);
    if (outer)
      return "the use of " + quoted(name) + " at line " +
             std::to_string(t.position(r.range.start).line) + " would refer to the renamed local";
  }
  return {};
}

}  // namespace

RenameTarget prepare_rename(const Tree& t, const FileBinding& b, std::uint32_t offset) {
  RenameTarget out;
  auto s = symbol_at(t, b, offset);
  if (!s) {
    std::vector<NodeId> path = path_at(t, offset);
    if (!path.empty() && t.kind(path.back()) == NodeKind::String) {
      out.error = "strings cannot be renamed";
    } else if (is_keyword(word_at(t.source(), offset))) {
      out.error = "keywords cannot be renamed";
    } else {
      out.error = "there is no name to rename here";
    }
    return out;
  }
  out.error = refusal(t, b, *s);
  if (out.error.empty()) {
    out.range = s->range;
    out.placeholder = s->name;
  }
  return out;
}

RenameResult rename(const WorkspaceIndex& index, std::string_view path, const Tree& t,
                    const FileBinding& b, std::uint32_t offset, std::string_view new_name) {
  RenameResult out;
  RenameTarget target = prepare_rename(t, b, offset);
  if (!target.range) {
    out.error = target.error;
    return out;
  }
  if (!is_identifier(new_name)) {
    out.error = quoted(new_name) + (is_keyword(new_name) ? " is a keyword" : " is not a Lua name");
    return out;
  }
  Symbol s = *symbol_at(t, b, offset);
  if (new_name == s.name) return out;
  switch (s.kind) {
    case SymbolKind::Local:
    case SymbolKind::Parameter:
      out.error = local_conflict(t, b, s.local, new_name);
      break;
    case SymbolKind::Global:
      if (t.names().find(new_name) != kNoNode || !index.global_accesses(new_name).empty()) {
        for (const NameRef& r : b.refs)
          if (t.name_text(r.node) == new_name)
            out.error = "the name " + quoted(new_name) + " is already used in this file";
        if (out.error.empty() && !index.global_accesses(new_name).empty())
          out.error = "a global named " + quoted(new_name) + " already exists";
      }
      if (stdlib::is_global(t.version(), new_name))
        out.error = quoted(new_name) + " would shadow the standard library's";
      break;
    case SymbolKind::Field:
    case SymbolKind::Method: {
      Symbol other = s;
      other.name = std::string(new_name);
      if (s.owner.known() && !occurrences(t, b, other).empty())
        out.error = "the table already has a field " + quoted(new_name);
      break;
    }
    case SymbolKind::Label:
      break;
  }
  if (!out.error.empty()) return out;
  for (const Location& l : references(index, path, t, b, s, true))
    out.edits.push_back({l.path, l.range, std::string(new_name)});
  return out;
}

}  // namespace moonring::lua::query
