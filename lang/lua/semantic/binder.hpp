// The binder: resolves every name of a parsed file to a local, a global or a field of a local
// _ENV, following the scoping rules of the tree's Lua version.
#pragma once

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua {

// Whether bind() records FileBinding::refs: the queries read them, the checker's rules do not
// (a reference per name read is most of a binding's memory on dense code).
enum class NameRefs : std::uint8_t { Record, Skip };

// Binds one file. The result refers to the tree (names, ranges): keep the tree alive with it.
// Works on trees with syntax errors too (Error nodes are skipped).
FileBinding bind(const Tree& tree, NameRefs refs = NameRefs::Record);

}  // namespace moonring::lua
