// What one file tells the rest of the workspace, kept after its tree is gone: its global accesses,
// the modules it requires, the members its module returns and its uses of required modules'
// members. Compact: names are interned per summary, ranges are byte ranges in that file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/lua/query/owner.hpp"
#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

struct FileSummary {
  NameTable names;

  struct Global {
    NameId name;
    Range range;
    bool write;
    bool declaration;  // function g() (an assignment is a write only)
  };
  std::vector<Global> globals;  // every global access, in source order

  struct Require {
    NameId module;
    Range range;  // the string argument, quotes included
  };
  std::vector<Require> required;  // in source order

  // A definition other files can see: a member of this file's module, or a global it sets.
  struct Definition {
    NameId name;
    Range range;
    bool function = false;
    bool method = false;       // declared with `:`
    bool declaration = false;  // a function statement or a constructor key, not an assignment
    std::string params;        // a function's parameters as written: "a, b, ..."
    std::string doc;           // the `---` comment block above it
  };
  std::vector<Definition> members;           // what the module returns (every write of a key)
  std::vector<Definition> global_functions;  // `function g()` / `g = function` at any level

  struct MemberUse {
    NameId module;  // the required name; kNoNode: this file's own module (M.x inside it)
    NameId member;
    Range range;
    bool write;
  };
  std::vector<MemberUse> member_uses;  // m.x / m:x() with m = require "name"

  ModuleShape::Kind shape = ModuleShape::None;

  std::size_t memory_bytes() const;
};

FileSummary summarize(const Tree& tree, const FileBinding& binding);

}  // namespace moonring::lua::query
