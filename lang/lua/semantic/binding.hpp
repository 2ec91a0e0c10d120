// What the binder knows about one file: its locals, what every name reference resolves to, and
// the global accesses, all in flat vectors indexed by 32-bit ids (no per-node maps).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua {

using LocalId = std::uint32_t;
using ScopeId = std::uint32_t;
using FunctionId = std::uint32_t;  // 0 is the chunk (the main function)
inline constexpr LocalId kNoLocal = 0xFFFFFFFFu;

enum class LocalKind : std::uint8_t {
  Local,          // local x
  LocalFunction,  // local function f
  Param,          // function (a, b)
  Self,           // the implicit first parameter of a function declared with `:`
  LoopVar,        // for i = ...  /  for k, v in ...
  Implicit,       // Lua 5.1: `arg`, the table of the varargs, in every `function (...)`
};

// 40 bytes (the one-byte fields together): a file can declare millions.
struct LocalInfo {
  NameId name = 0;
  Range decl;  // the declaring name (for Self: the method name after `:`)
  LocalKind kind = LocalKind::Local;
  LocalAttrib attrib = LocalAttrib::None;
  bool captured = false;    // referenced from a nested function (an upvalue there)
  ScopeId scope = 0;        // the block that holds it (params share the function body's scope)
  FunctionId function = 0;  // the function that declares it
  std::uint32_t reads = 0;  // reads, not counting a local function calling itself from its body
  std::uint32_t self_reads = 0;  // LocalFunction: reads from inside its own body (recursion)
  std::uint32_t writes = 0;      // assignments after the declaration
  // The local of the same name that was visible where this one was declared (kNoLocal if none):
  // what this declaration shadows.
  LocalId shadows = kNoLocal;
};
static_assert(sizeof(LocalInfo) == 40);

// What a Name used as a variable means.
enum class RefTarget : std::uint8_t {
  Local,     // a local (or param, loop variable, self) of this or an enclosing function
  Global,    // a global variable: 5.1/LuaJIT, or _ENV.x with _ENV the chunk's implicit upvalue
  EnvField,  // 5.2+: a free name while a local/param named _ENV is visible: a field of that local
  Env,       // 5.2+: the name `_ENV` itself when it is the chunk's implicit upvalue
};

struct NameRef {
  NodeId node = kNoNode;  // the Name node
  Range range;
  RefTarget target = RefTarget::Global;
  bool write = false;
  bool upvalue = false;      // Local: read from a function nested in the local's own function
  LocalId local = kNoLocal;  // Local: the local; EnvField: the _ENV local
};

enum class AccessKind : std::uint8_t { Get, Set };

// One global access, as luac's bytecode would show it (GETTABUP/SETTABUP on _ENV in 5.2+).
struct GlobalAccess {
  NodeId node = kNoNode;  // a Name, or for _ENV["x"] the String key: see global_name()
  AccessKind kind = AccessKind::Get;
  Range range;  // the name (for _ENV.x / _ENV["x"]: the key)
};

// The name of a global access (ids, not views, are stored so that a tree may move).
inline std::string_view global_name(const Tree& tree, const GlobalAccess& access) {
  return tree.kind(access.node) == NodeKind::Name ? tree.name_text(access.node)
                                                  : tree.string_value(access.node);
}

// An assignment to a <const> or <close> local (Lua 5.4 rejects these at compile time).
struct ConstWrite {
  LocalId local = kNoLocal;
  Range range;  // the assigned name
};

struct FileBinding {
  std::vector<LocalInfo> locals;      // indexed by LocalId, in declaration order
  std::vector<NameRef> refs;          // every Name used as a variable, in source order
  std::vector<GlobalAccess> globals;  // in source order
  std::vector<ConstWrite> const_writes;
  std::uint32_t function_count = 1;  // the chunk plus every function body
  std::uint32_t scope_count = 1;

  // The reference whose name covers `offset`, or nullptr.
  const NameRef* ref_at(std::uint32_t offset) const;
  // The local declared by the name that covers `offset`, or kNoLocal.
  LocalId local_declared_at(std::uint32_t offset) const;

  // Every LocalId, by the start of its declaration (then by id): local_declared_at's index.
  std::vector<LocalId> locals_by_decl;
};

}  // namespace moonring::lua
