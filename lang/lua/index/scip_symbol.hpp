// SCIP symbol strings (scip.proto's symbol grammar) for Lua names: the scheme `moonring`, the
// package, and descriptors for modules (namespaces), functions and methods (`name().`) and
// fields (`name.`); `local N` for what cannot be seen from outside its file.
#pragma once

#include <string>
#include <string_view>

namespace moonring::lua::index {

// The package the symbols belong to: name and version from .luarc.json or the folder.
struct Package {
  std::string name;
  std::string version;
};

// `moonring . NAME VERSION ` (spaces escaped by doubling; an empty part is `.`).
std::string symbol_prefix(const Package& package);

// A descriptor name: as is when every byte is an identifier character (letters, digits, `_+-$`),
// else between backticks with backticks doubled.
std::string descriptor_name(std::string_view name);

// The namespace descriptors of a module file: its path relative to the package root with `.lua`
// dropped, one namespace per folder ("net/http.lua" -> "net/http/").
std::string module_descriptors(std::string_view relative_path);

// A global or module member: `name().` for a function, else `name.`.
std::string term_or_method(std::string_view name, bool function);

}  // namespace moonring::lua::index
