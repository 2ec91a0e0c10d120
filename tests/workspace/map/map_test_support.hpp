// Helpers for the workspace/map tests: a temporary folder removed at scope end, files in it.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "workspace/map/loader.hpp"

namespace moonring::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "moonring-map-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream out(p, std::ios::binary);
    out << content;
    REQUIRE(out.good());
    return p;
  }

 private:
  std::string path_;
};

// Lua-looking text of exactly `size` bytes whose bytes depend on `seed`.
inline std::string lua_text(std::size_t size, unsigned seed) {
  std::string s;
  s.reserve(size + 64);
  for (unsigned i = 0; s.size() < size; ++i)
    s += "local v" + std::to_string(seed) + "_" + std::to_string(i) + " = " +
         std::to_string(i * 7 + seed) + "\n";
  s.resize(size);
  return s;
}

// The loader's bytes in use once its workers let go of the files they just finished (a worker
// holds a finished file for the moment it takes to wake its waiters).
inline std::size_t settled_bytes(const Loader& loader) {
  for (int i = 0; i < 1000 && loader.bytes_in_use() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return loader.bytes_in_use();
}

}  // namespace moonring::test
