// A whole file's bytes, for tests and test tools: what was written, read back; a missing file
// reads as empty (the caller's comparison then fails and says so).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace moonring::test {

inline std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace moonring::test
