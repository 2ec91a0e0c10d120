// Shared by the index tests: the NSE workspace as the benches build it, running the moonring
// binary, and reading a SCIP file with libprotobuf.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scip.pb.h"
#include "tests/workspace/discover/temp_tree.hpp"

namespace moonring::test {

inline const char* kNmap = "/usr/share/nmap";

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// nselib's .lua files at the root (so `require "stdnse"` resolves), scripts/*.nse as
// scripts/*.lua. False when nmap-common is not installed.
inline bool add_nse(const TempTree& t) {
  namespace fs = std::filesystem;
  const fs::path nselib = fs::path(kNmap) / "nselib";
  const fs::path scripts = fs::path(kNmap) / "scripts";
  if (!fs::is_directory(nselib) || !fs::is_directory(scripts)) return false;
  for (const auto& e : fs::recursive_directory_iterator(nselib))
    if (e.is_regular_file() && e.path().extension() == ".lua")
      t.add(fs::relative(e.path(), nselib).string(), slurp(e.path().string()));
  for (const auto& e : fs::directory_iterator(scripts))
    if (e.is_regular_file() && e.path().extension() == ".nse")
      t.add("scripts/" + e.path().stem().string() + ".lua", slurp(e.path().string()));
  return true;
}

// Runs a shell command line; its exit status (-1 when it did not exit).
inline int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline bool read_index(const std::string& path, scip::Index& out) {
  std::ifstream in(path, std::ios::binary);
  return in && out.ParseFromIstream(&in);
}

}  // namespace moonring::test
