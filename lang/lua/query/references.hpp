// Definition and references across the workspace: the current file from its tree (current even
// while the index lags behind an edit), the other files from the index.
#pragma once

#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"
#include "lang/lua/query/symbol.hpp"

namespace moonring::lua::query {

// The file a module member lives in: for m.x with m = require "a.b", the file "a.b" resolves to;
// for a member this file exports, `path`. Empty when the symbol is no module member.
std::string_view module_file_of(const WorkspaceIndex& index, std::string_view path,
                                const Symbol& symbol);
std::string_view module_file_of(const WorkspaceIndex& index, std::string_view path,
                                const SymbolView& symbol);

// Where the symbol is defined: its declaration in this file if it has one, else (a required
// module's member, a global set elsewhere) its definitions in other files.
std::vector<Location> definitions(const WorkspaceIndex& index, std::string_view path,
                                  const Tree& tree, const FileBinding& binding,
                                  const Symbol& symbol);

// Every occurrence of the symbol in the workspace, by path then offset. A global that a
// module-as-environment file sets is that module's member: its definition, its reads there and
// m.name uses elsewhere, the same set from each of them; a global elsewhere of the same spelling
// is another name. Without
// `include_declaration`, declarations (a local's name, a constructor key, a method's name) are
// left out; assignments stay.
std::vector<Location> references(const WorkspaceIndex& index, std::string_view path,
                                 const Tree& tree, const FileBinding& binding, const Symbol& symbol,
                                 bool include_declaration);

}  // namespace moonring::lua::query
