// Inlay hints: parameter names before the arguments of calls to functions whose parameters are
// known (in this file, in a required module, in the standard library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"

namespace moonring::lua::query {

struct InlayHint {
  std::uint32_t offset = 0;  // where the hint goes: the argument's start
  std::string label;         // "name:"
};

// Hints for the calls whose arguments start inside `within`, by offset. No hint where the
// argument is a name spelt as the parameter, nor for varargs.
std::vector<InlayHint> inlay_hints(const WorkspaceIndex& index, std::string_view path,
                                   const Tree& tree, const FileBinding& binding, Range within);

}  // namespace moonring::lua::query
