// Helpers for the workspace/persist tests: a temporary folder, whole-file reads and writes, and a
// store of known records.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "workspace/persist/store.hpp"

namespace moonring::test {

class PersistDir {
 public:
  PersistDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "moonring-persist-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~PersistDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  PersistDir(const PersistDir&) = delete;
  PersistDir& operator=(const PersistDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

inline std::string as_string(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Records of varied sizes (0 to a few hundred bytes) under keys 1..n.
inline std::map<persist::Key, std::string> sample_records(std::uint64_t n, std::uint64_t tag = 0) {
  std::map<persist::Key, std::string> out;
  for (std::uint64_t i = 1; i <= n; ++i) {
    std::string bytes;
    for (std::uint64_t j = 0; j < (i * 37) % 300; ++j)
      bytes.push_back(static_cast<char>('a' + (i + j + tag) % 26));
    out[{tag, i}] = bytes;
  }
  return out;
}

inline void write_store(const std::string& path, std::string_view version,
                        const std::map<persist::Key, std::string>& records) {
  persist::Store store = persist::Store::open(path, version);
  for (const auto& [key, bytes] : records) store.put(key, bytes);
  REQUIRE(store.write());
}

}  // namespace moonring::test
