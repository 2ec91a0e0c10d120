// Semantic tokens: every name classified (variable, parameter, function, method, property,
// namespace) with modifiers (declaration, readonly, defaultLibrary, global, modification).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"

namespace moonring::lua::query {

// Token types: indexes into token_types() (the legend the server advertises).
enum class TokenType : std::uint8_t { Namespace, Variable, Parameter, Property, Function, Method };
// Modifier bits: bit i is token_modifiers()[i].
inline constexpr std::uint32_t kDeclaration = 1u << 0;
inline constexpr std::uint32_t kReadonly = 1u << 1;        // a <const> or <close> local
inline constexpr std::uint32_t kDefaultLibrary = 1u << 2;  // the standard library
inline constexpr std::uint32_t kGlobal = 1u << 3;
inline constexpr std::uint32_t kModification = 1u << 4;  // an assignment

std::span<const std::string_view> token_types();      // "namespace", "variable", ...
std::span<const std::string_view> token_modifiers();  // "declaration", "readonly", ...

struct SemanticToken {
  Range range;  // one name: never spans lines
  TokenType type = TokenType::Variable;
  std::uint32_t modifiers = 0;
};

// The tokens that start inside `within` (the whole file by default), by start offset.
std::vector<SemanticToken> semantic_tokens(const Tree& tree, const FileBinding& binding,
                                           Range within = {0, 0xFFFFFFFFu});

}  // namespace moonring::lua::query
