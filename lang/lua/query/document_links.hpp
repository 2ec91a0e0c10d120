// Document links: the module names in `require "a.b"` linked to the files they load.
#pragma once

#include <string>
#include <vector>

#include "lang/lua/query/index.hpp"

namespace moonring::lua::query {

struct DocumentLink {
  Range range;         // the module name inside the quotes
  std::string module;  // "a.b"
  std::string target;  // the workspace file it resolves to
};

// Links for the requires whose module resolves to a workspace file (index.resolve).
std::vector<DocumentLink> document_links(const WorkspaceIndex& index, const Tree& tree,
                                         const FileBinding& binding);

}  // namespace moonring::lua::query
