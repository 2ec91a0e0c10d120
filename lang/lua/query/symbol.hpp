// What the name at an offset is (a local, parameter, upvalue, global, field, method or member of a
// required module), where it is declared, and every occurrence of it in the file.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/owner.hpp"
#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

enum class SymbolKind : std::uint8_t {
  Local,      // local, local function, loop variable, Lua 5.1's implicit `arg`
  Parameter,  // a parameter, or the implicit `self` of a method
  Global,
  Field,   // t.x, function t.x(), { x = ... }: a key of a table reached from a name
  Method,  // t:m(), function t:m(): the same key, called or declared with `:`
  Label,   // ::name:: and goto name
};

struct Symbol {
  SymbolKind kind = SymbolKind::Local;
  Range range;               // the name at the offset
  std::string name;          // its spelling
  LocalId local = kNoLocal;  // Local, Parameter: the local
  bool upvalue = false;      // Local, Parameter: this occurrence is in a nested function
  bool write = false;        // this occurrence assigns (a declaration counts as a write)
  bool declaration = false;  // this occurrence declares it
  Owner owner;               // Field, Method: the table it belongs to
  // Part of what this file's module returns: a field of the returned table, or a global set by
  // a file whose module is its environment (`return _ENV`, stdnse.module, module()).
  bool exported = false;
};

// The symbol whose name covers `offset`, or (a cursor just after a name) ends at it. Keywords,
// literals, strings and comments have none.
std::optional<Symbol> symbol_at(const Tree& tree, const FileBinding& binding, std::uint32_t offset);

// An Owner as symbol_walk yields it: spellings are views (into the tree, or into the walk), and
// the keys between root and field are an id interned per walk, so no string is built per name.
// Two keys of one walk are equal exactly when their Owners are.
struct OwnerKey {
  LocalId local = kNoLocal;
  std::string_view global;
  std::string_view module;
  bool this_module = false;
  std::uint32_t path = 0;  // 0: no keys; else SymbolWalk::path(path) spells them
  bool known() const {
    return local != kNoLocal || !global.empty() || !module.empty() || this_module;
  }
  bool operator==(const OwnerKey&) const = default;
};

// A Symbol as symbol_walk yields it (same fields; `name` views the tree).
struct SymbolView {
  SymbolKind kind = SymbolKind::Local;
  Range range;
  std::string_view name;
  LocalId local = kNoLocal;
  bool upvalue = false;
  bool write = false;
  bool declaration = false;
  bool exported = false;
  OwnerKey owner;
};

// symbol_at at the start of every name that has a symbol, in source order, from one walk of the
// tree (an indexer reads every name: symbol_at per name would descend from the root each time).
// The views hold the tree and the walk's own storage: keep both alive while they are used.
class SymbolWalk {
 public:
  std::vector<SymbolView> symbols;
  // When asked for: per symbol, the function a writing name binds (function_bound_at, read
  // from the walk's path), kNoNode for the others.
  std::vector<NodeId> bound;

  // The keys of an OwnerKey's path, dot-separated ("a.b" for t.a.b.x).
  std::string path(std::uint32_t id) const;
  Owner owner(const OwnerKey& key) const;
  // symbols[i] as symbol_at gives it.
  Symbol symbol(std::size_t i) const;

  // For the walk: a new path id spelling `parent`'s keys, then `key` (a view of the tree's
  // names); and a copy of a spelling that views may hold.
  std::uint32_t add_path(std::uint32_t parent, std::string_view key);
  std::string_view keep(std::string text);

 private:
  struct Step {
    std::uint32_t parent;
    std::string_view key;
  };
  std::vector<Step> steps_;       // path id - 1
  std::deque<std::string> kept_;  // stable addresses
};
SymbolWalk symbol_walk(const Tree& tree, const FileBinding& binding, bool with_bound);

// symbol_walk's symbols as Symbols; `bound` as SymbolWalk::bound.
std::vector<Symbol> all_symbols(const Tree& tree, const FileBinding& binding);
std::vector<Symbol> all_symbols(const Tree& tree, const FileBinding& binding,
                                std::vector<NodeId>* bound);

struct Occurrence {
  Range range;
  bool write = false;
  bool declaration = false;
};

// Every occurrence of the symbol in this file, in source order (documentHighlight: writes are
// declarations and assignments). A field whose owner is unknown (f().x) has only itself.
std::vector<Occurrence> occurrences(const Tree& tree, const FileBinding& binding,
                                    const Symbol& symbol);

// Where the symbol is declared in this file: a local's declaring name, a label, the first
// assignment of a global or field (a table constructor's key counts). Empty when the declaration
// is elsewhere (another file, the standard library).
std::optional<Range> declaration(const Tree& tree, const FileBinding& binding,
                                 const Symbol& symbol);
// Its rule for a Local or Parameter: the local's declaring name, if it has one.
std::optional<Range> local_declaration(const FileBinding& binding, LocalId local);

}  // namespace moonring::lua::query
