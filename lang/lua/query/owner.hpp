// Owners of fields: the table a field belongs to, named by its root (a local, a global, a required
// module, the file's own module) and the keys from there; and what a file returns as its module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// The table a field belongs to: a root (a local, a global, a required module or the table this
// file returns) and the keys between the root and the field ("a.b" for t.a.b.x).
struct Owner {
  LocalId local = kNoLocal;  // the root is this local (for `self`: the method's table's root)
  std::string global;        // or the global of this name
  std::string module;        // or the module `require`d with this name
  bool this_module = false;  // or the table this file returns (its module)
  std::string path;
  bool known() const {
    return local != kNoLocal || !global.empty() || !module.empty() || this_module;
  }
  bool operator==(const Owner&) const = default;
};

// The owner of the table an expression evaluates to (a name, a.b.c, require "m", require("m").x),
// or an unknown owner. `self` inside `function M:m()` is M.
Owner owner_of(const Tree& tree, const FileBinding& binding, NodeId expr);

// What this file returns as its module, read from its last statement.
struct ModuleShape {
  enum Kind : std::uint8_t {
    None,         // no module table found
    LocalTable,   // return M, M a local
    Environment,  // return _ENV, _ENV = x.module(...), module(...): its globals are members
    Constructor,  // return { ... }
  };
  Kind kind = None;
  LocalId local = kNoLocal;  // LocalTable
  NodeId table = kNoNode;    // Constructor
};
ModuleShape module_shape(const Tree& tree, const FileBinding& binding);

// The module name of `require "m"` / `require("m")` (a call of the global require with one string
// argument), or empty.
std::string_view required_name(const Tree& tree, const FileBinding& binding, NodeId expr);

// Owners of expressions, with each local's owner remembered: a file's fields of one name may be
// thousands, their roots a few locals. One per query; keep the tree and binding alive with it.
class Owners {
 public:
  Owners(const Tree& tree, const FileBinding& binding);
  Owner of(NodeId expr, int depth = 0);
  Owner of_local(LocalId id, int depth = 0);
  // The owner of the keys of a table constructor written as the value of `target` (an
  // assignment's target, or a local's declaring name when `declared` is set).
  Owner of_target(NodeId target, bool declared);

 private:
  Owner compute_local(LocalId id, int depth);

  const Tree& t_;
  const FileBinding& b_;
  LocalId module_local_ = kNoLocal;
  bool environment_ = false;  // the file's module is its environment
  std::unordered_map<LocalId, Owner> cache_;
};

}  // namespace moonring::lua::query
