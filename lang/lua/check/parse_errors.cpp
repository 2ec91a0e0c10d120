// syntax-error and goto-error: the parser's errors (the first one is luac's), each reported once.
#include <cctype>

#include "lang/lua/check/rules.hpp"

namespace moonring::lua::rules {

namespace {

// The token at `offset` when the parser gave no end: a word (name, keyword, numeral) or one
// byte; empty at the end of the file.
Range token_at(std::string_view source, std::uint32_t offset) {
  auto size = static_cast<std::uint32_t>(source.size());
  if (offset >= size) return {size, size};
  auto word = [&](std::uint32_t i) {
    auto c = static_cast<unsigned char>(source[i]);
    return std::isalnum(c) != 0 || c == '_';
  };
  std::uint32_t end = offset + 1;
  if (word(offset))
    while (end < size && word(end)) ++end;
  return {offset, end};
}

Range error_range(std::string_view source, const SyntaxError& e) {
  auto size = static_cast<std::uint32_t>(source.size());
  if (e.end_offset > e.offset && e.end_offset <= size) return {e.offset, e.end_offset};
  return token_at(source, e.offset);
}

}  // namespace

void parse_errors(const RuleContext& cx, std::span<const SyntaxError> errors) {
  for (const SyntaxError& e : errors) {
    switch (e.kind) {
      case SyntaxErrorKind::AssignConst:
        continue;  // the binder reports it (assign_const.cpp)
      case SyntaxErrorKind::Goto:
        cx.report(DiagnosticCode::GotoError, error_range(cx.tree.source(), e), e.message);
        break;
      case SyntaxErrorKind::Syntax:
        cx.report(DiagnosticCode::SyntaxError, error_range(cx.tree.source(), e), e.message);
        break;
    }
  }
}

}  // namespace moonring::lua::rules
