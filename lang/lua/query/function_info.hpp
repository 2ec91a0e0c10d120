// Functions behind names: the function expression a declaration binds, and its parameter list.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// The FunctionExpr assigned by the declaration or write whose name is at `name` (local function
// f, local f = function, function a.b:c(), x.f = function, { f = function }), else kNoNode.
NodeId function_bound_at(const Tree& tree, Range name);
// The same for the name at the end of `path` (the nodes from the root down to it), as a walk
// that holds the path already has it.
NodeId function_bound_on(const Tree& tree, std::span<const NodeId> path);

// The name nodes (Name or Field) that `function x()` / `function a.b()` statements assign, sorted:
// those writes are declarations.
std::vector<NodeId> function_statement_targets(const Tree& tree);

// The parameters of a FunctionExpr as written: "a, b, ..." (a method's `self` is implicit and not
// listed). `names` gets each parameter ("..." for a vararg).
std::string parameter_list(const Tree& tree, NodeId function);
std::vector<std::string_view> parameter_names(const Tree& tree, NodeId function);

}  // namespace moonring::lua::query
