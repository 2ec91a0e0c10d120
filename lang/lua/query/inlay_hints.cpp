// Inlay hints: the calls of the subtrees that reach into the range, each callee resolved once
// per distinct chain, the keys of each owner listed once (KeyCache).
#include "lang/lua/query/inlay_hints.hpp"

#include <algorithm>

#include "lang/lua/query/callee.hpp"
#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

std::vector<InlayHint> inlay_hints(const WorkspaceIndex& index, std::string_view path,
                                   const Tree& t, const FileBinding& b, Range within) {
  std::vector<InlayHint> out;
  KeyCache keys;
  std::map<std::string, std::optional<FunctionSig>, std::less<>> resolved;
  // Only the subtrees that reach into the range: a screenful costs its own nodes and the path
  // down to them, not the file.
  std::vector<NodeId> calls, todo, kids;
  if (t.root() != kNoNode) todo.push_back(t.root());
  while (!todo.empty()) {
    NodeId n = todo.back();
    todo.pop_back();
    NodeKind k = t.kind(n);
    if (k == NodeKind::Call || k == NodeKind::MethodCall) calls.push_back(n);
    kids.clear();
    append_children(t, n, kids);
    for (NodeId c : kids)
      if (t.node(c).end >= within.start && t.node(c).start < within.end) todo.push_back(c);
  }
  for (NodeId id : calls) {
    NodeKind k = t.kind(id);
    std::span<const NodeId> args;
    CallArgs form;
    NodeId callee = id;
    if (k == NodeKind::Call) {
      args = t.call(id).args;
      form = t.call(id).form;
      callee = t.call(id).callee;
    } else {
      args = t.method_call(id).args;
      form = t.method_call(id).form;
    }
    if (form != CallArgs::Parens || args.empty()) continue;
    if (t.node(args.back()).start < within.start || t.node(args.front()).start >= within.end)
      continue;
    auto chain = chain_of(t, b, callee);
    if (!chain) continue;
    std::string key =
        std::to_string(chain->root_local) + "|" + chain->root + "|" + (chain->method ? ":" : ".");
    for (const std::string& part : chain->keys) key += part + ".";
    auto it = resolved.find(key);
    if (it == resolved.end())
      it = resolved.emplace(key, function_of(index, path, t, b, *chain, &keys)).first;
    if (!it->second) continue;
    const std::vector<std::string>& params = it->second->params;
    for (std::size_t i = 0; i < args.size() && i < params.size(); ++i) {
      const std::string& p = params[i];
      if (p == "...") break;
      NodeId arg = args[i];
      if (t.node(arg).start < within.start || t.node(arg).start >= within.end) continue;
      if (t.kind(arg) == NodeKind::Name && t.name_text(arg) == p) continue;
      out.push_back({t.node(arg).start, p + ":"});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const InlayHint& x, const InlayHint& y) { return x.offset < y.offset; });
  return out;
}

}  // namespace moonring::lua::query
