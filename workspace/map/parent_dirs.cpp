// ParentDirs: runs of paths with the same parent, one O_PATH descriptor per run.
#include "workspace/map/parent_dirs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string_view>

namespace moonring {
namespace {

// The parent's part of `path` ("" for "x.lua", "/" kept for "/x.lua"), or npos without one.
std::size_t parent_length(std::string_view path) {
  return path.rfind('/');
}

}  // namespace

void ParentDirs::resolve(std::span<const std::string* const> paths, std::span<SmallFile> files) {
  std::size_t i = 0;
  while (i < paths.size()) {
    std::string_view path = *paths[i];
    std::size_t len = parent_length(path);
    std::size_t end = i + 1;
    if (len != std::string_view::npos) {
      std::string_view parent = path.substr(0, len);
      while (end < paths.size() && parent_length(*paths[end]) == len &&
             std::string_view(*paths[end]).substr(0, len) == parent)
        ++end;
    }
    // One file alone gains nothing from an extra open of its directory.
    int dir = -1;
    if (end - i >= 2) {
      // The descriptor is only a starting point for lookups: O_PATH skips the permission check
      // and the file operations of a real open.
      std::string name = len == 0 ? std::string("/") : std::string(path.substr(0, len));
      dir = ::open(name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) fds_.push_back(dir);
    }
    for (std::size_t k = i; k < end; ++k) {
      if (dir >= 0) {
        files[k].dir_fd = dir;
        files[k].name = paths[k]->c_str() + len + 1;
      } else {
        files[k].dir_fd = AT_FDCWD;
        files[k].name = paths[k]->c_str();
      }
    }
    i = end;
  }
}

void ParentDirs::close_all() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace moonring
