// libFuzzer target for the workspace's text parsers: file: URIs (decoding, and the round trip
// through the encoder) and .gitignore text with the glob dialect (parsing, then verdicts).
// Input: a first byte choosing the parser, then its text; for .gitignore, the rules end at the
// first \x01 and each line after it is a path to judge.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "workspace/discover/ignore.hpp"
#include "workspace/documents/file_uri.hpp"

using namespace moonring::workspace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto path = file_uri_to_path(text);
    if (path) {
      // What decodes is a local absolute path, and encoding it gives it back.
      if (path->empty() || path->front() != '/') std::abort();
      if (file_uri_to_path(path_to_file_uri(*path)) != path) std::abort();
    }
    return 0;
  }
  std::size_t split = text.find('\x01');
  IgnoreRules rules = IgnoreRules::parse("", text.substr(0, split));
  if (split == std::string_view::npos) return 0;
  std::string_view paths = text.substr(split + 1);
  bool is_dir = false;
  while (!paths.empty()) {
    std::size_t end = paths.find('\n');
    std::string_view line = paths.substr(0, end);
    (void)rules.verdict(line, is_dir);
    is_dir = !is_dir;
    if (end == std::string_view::npos) break;
    paths.remove_prefix(end + 1);
  }
  return 0;
}
