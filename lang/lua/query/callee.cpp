// Chains and the functions they name: locals and fields from the tree, module members and
// globals of other files from the index, the standard library from its rows.
#include "lang/lua/query/callee.hpp"

#include <algorithm>

#include "lang/lua/query/doc_comment.hpp"
#include "lang/lua/query/function_info.hpp"
#include "lang/lua/query/scope.hpp"
#include "lang/lua/query/stdlib_docs.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::query {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<std::string> split_params(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view p = list.substr(0, comma);
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    if (!p.empty()) out.emplace_back(p);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<std::string> stdlib_params(std::string_view params) {
  std::vector<std::string> out;
  for (const stdlib::Param& p : stdlib::parameters(params))
    out.push_back(p.vararg ? std::string("...") : std::string(p.name));
  return out;
}

}  // namespace

std::optional<Chain> chain_before(const Tree& t, const FileBinding& b, std::uint32_t end) {
  const std::string_view src = t.source();
  if (end > src.size()) return std::nullopt;
  std::vector<std::string> parts;
  bool method = false;
  std::size_t i = end;
  while (true) {
    std::size_t e = i;
    while (i > 0 && name_char(src[i - 1])) --i;
    if (i == e || (src[i] >= '0' && src[i] <= '9')) return std::nullopt;
    parts.emplace_back(src.substr(i, e - i));
    if (i == 0) break;
    char sep = src[i - 1];
    if (sep == ':' && parts.size() == 1 && (i < 2 || src[i - 2] != ':')) {
      method = true;
    } else if (sep != '.' || (i >= 2 && src[i - 2] == '.')) {
      break;
    }
    --i;
  }
  std::reverse(parts.begin(), parts.end());
  Chain c;
  c.root = parts[0];
  c.keys.assign(parts.begin() + 1, parts.end());
  c.method = method;
  if (is_keyword(c.root)) return std::nullopt;
  for (LocalId id : visible_locals(t, b, static_cast<std::uint32_t>(i)))
    if (t.names().text(b.locals[id].name) == c.root) c.root_local = id;
  return c;
}

std::optional<Chain> chain_of(const Tree& t, const FileBinding& b, NodeId node) {
  Chain c;
  if (t.kind(node) == NodeKind::MethodCall) {
    MethodCallView m = t.method_call(node);
    if (m.name == kNoNode) return std::nullopt;
    c.method = true;
    c.keys.emplace_back(t.name_text(m.name));
    node = m.object;
  }
  while (node != kNoNode && t.kind(node) == NodeKind::Field) {
    FieldView f = t.field(node);
    if (f.name == kNoNode) return std::nullopt;
    c.keys.insert(c.keys.begin(), std::string(t.name_text(f.name)));
    node = f.object;
  }
  if (node == kNoNode || t.kind(node) != NodeKind::Name) return std::nullopt;
  c.root = std::string(t.name_text(node));
  const NameRef* ref = b.ref_at(t.node(node).start);
  if (ref == nullptr) return std::nullopt;
  if (ref->target == RefTarget::Local) c.root_local = ref->local;
  return c;
}

Owner chain_owner(const Tree& t, const FileBinding& b, const Chain& c, std::size_t n) {
  Owner o;
  if (c.root_local != kNoLocal) {
    o = Owners(t, b).of_local(c.root_local);
  } else {
    o.global = c.root;
  }
  for (std::size_t i = 0; i < n && i < c.keys.size(); ++i) {
    if (!o.path.empty()) o.path += '.';
    o.path += c.keys[i];
  }
  return o;
}

std::vector<Key> keys_of(const WorkspaceIndex& index, const Tree& t, const FileBinding& b,
                         const Owner& owner) {
  std::map<std::string, Key, std::less<>> keys;
  auto add = [&keys](Key k) {
    auto [it, fresh] = keys.try_emplace(k.name, k);
    if (!fresh && k.function && !it->second.function) it->second = std::move(k);
  };
  if (!owner.known()) return {};
  // A required module found in the workspace: its file says what it has (the index).
  const std::string* module_file =
      owner.module.empty() || !owner.path.empty() ? nullptr : index.resolve(owner.module);
  // Else this file: every field of the owner, one pass with the owners cached per local.
  Owners owners(t, b);
  auto key_from = [&](NodeId name, bool method, bool write) {
    Key k;
    k.name = std::string(t.name_text(name));
    k.method = method;
    if (write || method) {
      NodeId fn = function_bound_at(t, t.range(name));
      if (fn != kNoNode) {
        k.function = true;
        k.params = parameter_list(t, fn);
        k.doc = doc_comment(t, t.range(name));
      }
    }
    add(std::move(k));
  };
  for (NodeId id = 0; module_file == nullptr && id < t.node_count(); ++id) {
    switch (t.kind(id)) {
      case NodeKind::Field: {
        FieldView f = t.field(id);
        if (f.name != kNoNode && owners.of(f.object) == owner) key_from(f.name, false, true);
        break;
      }
      case NodeKind::MethodCall: {
        MethodCallView m = t.method_call(id);
        if (m.name != kNoNode && owners.of(m.object) == owner) key_from(m.name, false, false);
        break;
      }
      case NodeKind::Function: {
        FunctionView f = t.function(id);
        if (f.method != kNoNode && owners.of(f.target) == owner) key_from(f.method, true, true);
        break;
      }
      case NodeKind::Local:
      case NodeKind::Assign: {
        auto targets = t.kind(id) == NodeKind::Local ? t.local(id).names : t.assign(id).targets;
        auto values = t.kind(id) == NodeKind::Local ? t.local(id).values : t.assign(id).values;
        for (std::size_t i = 0; i < targets.size() && i < values.size(); ++i) {
          if (t.kind(values[i]) != NodeKind::Table) continue;
          if (!(owners.of_target(targets[i], t.kind(id) == NodeKind::Local) == owner)) continue;
          for (NodeId field : t.table_fields(values[i])) {
            TableFieldView v = t.table_field(field);
            if (v.kind == FieldKind::Named) key_from(v.key, false, true);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  if (owner.path.empty()) {
    // A required module's members.
    if (module_file != nullptr)
      if (const FileSummary* s = index.file(*module_file))
        for (const FileSummary::Definition& d : s->members)
          add({std::string(s->names.text(d.name)), d.function, d.method, d.params, d.doc, false});
    // A standard library table, by its global's name or its module's.
    std::string_view lib = !owner.global.empty() ? std::string_view(owner.global) : owner.module;
    if (!lib.empty())
      for (const stdlib::Member& m : stdlib::fields(t.version(), lib))
        add({std::string(m.name), m.kind == stdlib::Kind::Function, false, std::string(m.params),
             std::string(stdlib_description(lib, m.name)), true});
  }
  std::vector<Key> out;
  out.reserve(keys.size());
  for (auto& [name, k] : keys) out.push_back(std::move(k));
  return out;
}

std::optional<FunctionSig> function_of(const WorkspaceIndex& index, std::string_view path,
                                       const Tree& t, const FileBinding& b, const Chain& c,
                                       KeyCache* cache) {
  FunctionSig sig;
  bool declared_method = false;
  bool found = false;
  if (c.keys.empty()) {
    sig.name = c.root;
    if (c.root_local != kNoLocal) {
      NodeId fn = function_bound_at(t, b.locals[c.root_local].decl);
      if (fn == kNoNode) return std::nullopt;
      sig.params = split_params(parameter_list(t, fn));
      sig.doc = doc_comment(t, b.locals[c.root_local].decl);
      return sig;
    }
    // A global: set in this file, in another, or the standard library's.
    for (const GlobalAccess& g : b.globals)
      if (g.kind == AccessKind::Set && global_name(t, g) == c.root) {
        NodeId fn = function_bound_at(t, g.range);
        if (fn == kNoNode) continue;
        sig.params = split_params(parameter_list(t, fn));
        sig.doc = doc_comment(t, g.range);
        return sig;
      }
    std::optional<FunctionSig> other;
    index.for_each_file([&](const std::string& file, const FileSummary& s) {
      if (other || file == path) return;
      NameId id = s.names.find(c.root);
      if (id == kNoNode) return;
      for (const FileSummary::Definition& d : s.global_functions)
        if (d.name == id) {
          other = FunctionSig{c.root, split_params(d.params), d.doc};
          return;
        }
    });
    if (other) return other;
    const stdlib::Member* m = stdlib::find_global(t.version(), c.root);
    if (m == nullptr || m->kind != stdlib::Kind::Function) return std::nullopt;
    return FunctionSig{c.root, stdlib_params(m->params),
                       std::string(stdlib_description("", c.root))};
  }
  // A field: the keys of its owner's table.
  const Owner owner = chain_owner(t, b, c, c.keys.size() - 1);
  const std::string& last = c.keys.back();
  std::vector<Key> fresh;
  const std::vector<Key>* keys = &fresh;
  if (cache != nullptr) {
    std::string id = std::to_string(owner.local) + "|" + owner.global + "|" + owner.module + "|" +
                     (owner.this_module ? "m" : "") + "|" + owner.path;
    auto it = cache->find(id);
    if (it == cache->end()) it = cache->emplace(id, keys_of(index, t, b, owner)).first;
    keys = &it->second;
  } else {
    fresh = keys_of(index, t, b, owner);
  }
  for (const Key& k : *keys)
    if (k.name == last && k.function) {
      sig.params = k.stdlib ? stdlib_params(k.params) : split_params(k.params);
      sig.doc = k.doc;
      declared_method = k.method;
      found = true;
      break;
    }
  // s:format(...) on a value whose table has no such key: the string library's methods.
  if (!found && c.method) {
    const stdlib::Member* m = stdlib::find_field(t.version(), "string", last);
    if (m != nullptr && m->kind == stdlib::Kind::Function) {
      sig.params = stdlib_params(m->params);
      sig.doc = std::string(stdlib_description("string", last));
      found = true;
    }
  }
  if (!found) return std::nullopt;
  // Called with `:` but declared with `.`: the first parameter receives the object.
  if (c.method && !declared_method && !sig.params.empty()) sig.params.erase(sig.params.begin());
  sig.name = c.root;
  for (std::size_t i = 0; i < c.keys.size(); ++i)
    sig.name += (c.method && i + 1 == c.keys.size() ? ":" : ".") + c.keys[i];
  return sig;
}

}  // namespace moonring::lua::query
