// Document links: every `require` call with a string argument, resolved through the index.
#include "lang/lua/query/document_links.hpp"

#include <algorithm>

#include "lang/lua/query/owner.hpp"

namespace moonring::lua::query {

std::vector<DocumentLink> document_links(const WorkspaceIndex& index, const Tree& t,
                                         const FileBinding& b) {
  std::vector<DocumentLink> out;
  for (NodeId id = 0; id < t.node_count(); ++id) {
    if (t.kind(id) != NodeKind::Call) continue;
    std::string_view module = required_name(t, b, id);
    if (module.empty()) continue;
    const std::string* target = index.resolve(module);
    if (target == nullptr) continue;
    Range r = t.range(t.call(id).args[0]);
    // Inside the quotes of a short string; a long string [[a.b]] keeps its whole range.
    if (!t.is_long_string(t.call(id).args[0]) && r.end - r.start >= 2) r = {r.start + 1, r.end - 1};
    out.push_back({r, std::string(module), *target});
  }
  std::sort(out.begin(), out.end(), [](const DocumentLink& x, const DocumentLink& y) {
    return x.range.start < y.range.start;
  });
  return out;
}

}  // namespace moonring::lua::query
