// Completion at an offset: names in scope, globals of the workspace and the standard library,
// keywords (with snippets), the keys of a table after `.`, its methods after `:`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"

namespace moonring::lua::query {

enum class CompletionKind : std::uint8_t {
  Local,
  Parameter,
  Global,
  Function,  // a local or global function
  Field,
  Method,
  Module,  // a standard library table
  Keyword,
  Snippet,
};

// The order of the list: what is nearest the cursor first.
enum CompletionRank : std::uint8_t {
  kRankLocal = 0,    // a local or parameter of the function the cursor is in
  kRankUpvalue = 1,  // a local of an enclosing function
  kRankField = 2,    // a key of the table before `.` or `:`
  kRankGlobal = 3,   // a global the workspace sets
  kRankLibrary = 4,  // the standard library (globals, and fields of its tables)
  kRankKeyword = 5,  // keywords and snippets
};

struct CompletionItem {
  std::string label;
  CompletionKind kind = CompletionKind::Local;
  std::string detail;         // "local function f(a, b)", "global", "string.format(...)"
  std::string documentation;  // doc comment or standard library description
  std::string snippet;        // Snippet: the text in LSP snippet syntax ($1, ${2:name}, $0)
  std::uint8_t rank = 0;      // lower first: CompletionRank
};

struct Completion {
  Range replace;  // the part of a name already typed before the offset (empty range if none)
  // Sorted by rank, then labels the typed part starts (case-insensitively) before those it
  // only runs through, then label.
  std::vector<CompletionItem> items;
};

// Nothing inside a comment or a string. Items are those whose label contains the typed part as a
// case-insensitive subsequence (editors filter further).
Completion complete(const WorkspaceIndex& index, std::string_view path, const Tree& tree,
                    const FileBinding& binding, std::uint32_t offset);

}  // namespace moonring::lua::query
