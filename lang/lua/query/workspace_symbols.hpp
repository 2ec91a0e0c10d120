// workspace/symbol: module members and global functions of every file, fuzzy-matched and ranked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/document_symbols.hpp"
#include "lang/lua/query/index.hpp"

namespace moonring::lua::query {

struct WorkspaceSymbol {
  std::string name;
  std::string container;  // the file's name without its folder and `.lua`
  OutlineKind kind = OutlineKind::Function;
  Location location;
  int score = 0;
};

// How well `query` matches `candidate`: -1 unless the query's characters appear in order
// (ignoring case); higher for an exact match, a prefix, consecutive characters, characters at
// word starts (after `_`, `.`, or a lower-to-upper change) and shorter candidates.
int fuzzy_score(std::string_view query, std::string_view candidate);

// The best `limit` matches, best first (then by name and path). An empty query matches all.
std::vector<WorkspaceSymbol> workspace_symbols(const WorkspaceIndex& index, std::string_view query,
                                               std::size_t limit = 100);

}  // namespace moonring::lua::query
