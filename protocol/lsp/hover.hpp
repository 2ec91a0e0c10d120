// LSP's Hover result, typed: markdown contents and the range they are about.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/lsp/position.hpp"

namespace moonring::lsp {

struct Hover {
  std::string_view markdown;  // MarkupContent of kind markdown
  std::optional<Range> range;
};

// {"contents":{"kind":"markdown","value":"..."},"range":{...}} appended to `out`.
void append_hover(std::string& out, const Hover& hover);

}  // namespace moonring::lsp
