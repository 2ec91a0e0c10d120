// Hover: what the name at an offset is, where it is declared, its signature and its documentation
// (the `---` comments above its declaration, or a description of a standard library name).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"
#include "lang/lua/query/symbol.hpp"

namespace moonring::lua::query {

struct Hover {
  Range range;  // the hovered name
  SymbolKind kind = SymbolKind::Local;
  std::string what;       // "local", "parameter", "upvalue", "global", "field", "method",
                          // "module member", "label", "standard library function", ...
  std::string signature;  // Lua text: "local function f(a, b)", "string.format(formatstring, ···)",
                          // "local x", "global g"
  std::optional<Location> declaration;  // where it is declared, when known
  std::string doc;  // doc comments or the standard library's description; may be empty
};

std::optional<Hover> hover(const WorkspaceIndex& index, std::string_view path, const Tree& tree,
                           const FileBinding& binding, std::uint32_t offset);
// The same for a symbol whose definitions (query::definitions) the caller has: an indexer
// that knows every symbol's declaration already, and (`bound`, when set) the function that
// declaration binds here (function_bound_at of its range).
std::optional<Hover> hover(const WorkspaceIndex& index, std::string_view path, const Tree& tree,
                           const FileBinding& binding, const Symbol& symbol,
                           const std::vector<Location>& definitions,
                           std::optional<NodeId> bound = std::nullopt);

// Markdown for an editor: the signature in a lua block, the kind, then the documentation.
std::string hover_markdown(const Hover& hover);

}  // namespace moonring::lua::query
