// Encoding LSP's Hover result (see hover.hpp).
#include "protocol/lsp/hover.hpp"

#include <algorithm>

namespace moonring::lsp {

namespace {
constexpr std::string_view kContents = R"({"contents":{"kind":"markdown","value":)";
constexpr std::string_view kRange = R"(},"range":)";
}  // namespace

void append_hover(std::string& out, const Hover& hover) {
  if (hover.markdown.size() <= jsonrpc::kShortJsonString) {
    // The usual small hover: written in a buffer and appended once.
    char buffer[kContents.size() + jsonrpc::json_string_room(jsonrpc::kShortJsonString) +
                kRange.size() + kMaxRangeJson + 2];
    char* p = std::copy(kContents.begin(), kContents.end(), buffer);
    p = jsonrpc::write_json_string(p, hover.markdown);
    if (hover.range) {
      p = std::copy(kRange.begin(), kRange.end(), p);
      p = write_range(p, *hover.range);
    } else {
      *p++ = '}';
    }
    *p++ = '}';
    out.append(buffer, p);
    return;
  }
  out += kContents;
  jsonrpc::append_json_string(out, hover.markdown);
  out += '}';
  if (hover.range) {
    out += R"(,"range":)";
    append_range(out, *hover.range);
  }
  out += '}';
}

}  // namespace moonring::lsp
