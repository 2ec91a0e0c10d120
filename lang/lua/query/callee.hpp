// Name chains (a, a.b.c, obj:m) read from the tree or from the text before an offset, the owner
// they reach, the keys a table has, and the function a chain calls, wherever it is declared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"
#include "lang/lua/query/owner.hpp"

namespace moonring::lua::query {

struct Chain {
  std::string root;
  LocalId root_local = kNoLocal;  // the local the root names, else a global
  std::vector<std::string> keys;  // after the root; the last one follows `:` when `method`
  bool method = false;
};

// The chain written right before `end` ("a.b.c" in "x = a.b.c|"), resolving its root among the
// locals visible there. Empty when the text there is no chain.
std::optional<Chain> chain_before(const Tree& tree, const FileBinding& binding, std::uint32_t end);
// The chain of a callee node (Name or Field chain) or of a MethodCall.
std::optional<Chain> chain_of(const Tree& tree, const FileBinding& binding, NodeId node);

// The owner of the table root.keys[0..n) evaluates to.
Owner chain_owner(const Tree& tree, const FileBinding& binding, const Chain& chain, std::size_t n);

// A key of a table, as the file, the index or the standard library knows it.
struct Key {
  std::string name;
  bool function = false;
  bool method = false;  // declared with `:`
  std::string params;   // a function's parameters as written
  std::string doc;
  bool stdlib = false;
};
// Every key of the owner's table: its fields in this file (read or written), a required module's
// members, a standard library table's fields. Sorted by name, one per name.
std::vector<Key> keys_of(const WorkspaceIndex& index, const Tree& tree, const FileBinding& binding,
                         const Owner& owner);

// The function a chain names: its parameters (a method's `self` left out, also when it was
// declared with `.` and is called with `:`), documentation and display name.
struct FunctionSig {
  std::string name;  // "f", "M.f", "obj:m", "string.format"
  std::vector<std::string> params;
  std::string doc;
};
// Keys of owners already listed, for a caller that resolves many chains in one file (keys_of
// reads the whole file once per owner).
using KeyCache = std::map<std::string, std::vector<Key>, std::less<>>;
std::optional<FunctionSig> function_of(const WorkspaceIndex& index, std::string_view path,
                                       const Tree& tree, const FileBinding& binding,
                                       const Chain& chain, KeyCache* cache = nullptr);

}  // namespace moonring::lua::query
