// Signature help: the function whose argument list holds the offset, and which parameter the
// offset is in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/query/index.hpp"

namespace moonring::lua::query {

struct SignatureHelp {
  std::string label;              // "string.format(formatstring, ...)"
  std::vector<Range> parameters;  // each parameter's [start, end) in `label` (bytes)
  std::uint32_t active_parameter = 0;
  std::string doc;
};

// Read from the text before the offset (the call is usually unfinished while typed): the nearest
// unclosed `(` and the commas after it at its nesting level. Strings and comments between are
// skipped by the tree's comments and a quote scan.
std::optional<SignatureHelp> signature_help(const WorkspaceIndex& index, std::string_view path,
                                            const Tree& tree, const FileBinding& binding,
                                            std::uint32_t offset);

}  // namespace moonring::lua::query
