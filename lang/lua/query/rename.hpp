// Rename: the edits that rename a symbol everywhere it is the same symbol (locals and parameters
// in their file; fields, globals and module members across files), or why it cannot be renamed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"
#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

struct TextEdit {
  std::string path;
  Range range;
  std::string new_text;
};

// prepareRename: the name to rename at `offset`, or a message saying why there is none
// ("keywords cannot be renamed", "'print' is part of the Lua 5.4 standard library", ...).
struct RenameTarget {
  std::optional<Range> range;
  std::string placeholder;  // the current name
  std::string error;
};
RenameTarget prepare_rename(const Tree& tree, const FileBinding& binding, std::uint32_t offset);

// The edits, by path then offset, or an error: an invalid new name, or a rename that would make
// one of the occurrences (or another name) refer to something else (a local of the new name in
// between, a global or outer local of that name inside the renamed local's scope). Occurrences
// in other files come from the index.
struct RenameResult {
  std::vector<TextEdit> edits;
  std::string error;
};
RenameResult rename(const WorkspaceIndex& index, std::string_view path, const Tree& tree,
                    const FileBinding& binding, std::uint32_t offset, std::string_view new_name);

}  // namespace moonring::lua::query
