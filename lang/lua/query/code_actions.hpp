// Quick fixes for unused locals: prefix the name with `_` (luacheck and moonring check then
// ignore it), or remove a `local` statement that declares only it and has no side effects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

struct FileEdit {
  Range range;
  std::string new_text;
};

struct CodeAction {
  std::string title;
  std::vector<FileEdit> edits;  // in this file
};

// For the local (variable, parameter, loop variable, local function) whose name covers `offset`.
std::optional<CodeAction> prefix_with_underscore(const Tree& tree, const FileBinding& binding,
                                                 std::uint32_t offset);
// Only when the local is never read nor assigned, its statement declares nothing else, and its
// value calls nothing (removing a call could remove an effect); the statement's line goes too
// when nothing else is on it.
std::optional<CodeAction> remove_unused_local(const Tree& tree, const FileBinding& binding,
                                              std::uint32_t offset);

}  // namespace moonring::lua::query
