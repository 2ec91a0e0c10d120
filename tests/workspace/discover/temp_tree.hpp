// A temporary folder tree for discovery tests, written from a table of paths and contents.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <utility>

namespace moonring::test {

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/moonring-discover-XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  ~TempTree() {
    std::error_code ec;
    // Folders a test made unreadable must be opened again before they can be removed.
    for (auto it = std::filesystem::recursive_directory_iterator(
             root_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0755);
    ::chmod(root_.c_str(), 0755);
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }

  // "a/b.lua" is a file with `content`; "a/" is a folder.
  void add(const std::string& rel, const std::string& content = "-- lua\n") const {
    std::filesystem::path p = path(rel);
    if (rel.back() == '/') {
      std::filesystem::create_directories(p);
      return;
    }
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  void add_all(std::initializer_list<std::pair<std::string, std::string>> files) const {
    for (const auto& [rel, content] : files) add(rel, content);
  }
  void symlink(const std::string& target, const std::string& rel) const {
    std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
    std::filesystem::create_symlink(target, path(rel));
  }

 private:
  std::string root_;
};

}  // namespace moonring::test
