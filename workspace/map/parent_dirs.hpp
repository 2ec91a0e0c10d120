// Directory descriptors for a batch of small files: files that share their parent directory with
// their neighbours in the batch are opened relative to it, so that each open resolves one path
// component instead of the whole path (path lookup was a fifth of the small-file cost).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "workspace/map/batch_reader.hpp"

namespace moonring {

class ParentDirs {
 public:
  ParentDirs() = default;
  ~ParentDirs() { close_all(); }
  ParentDirs(const ParentDirs&) = delete;
  ParentDirs& operator=(const ParentDirs&) = delete;

  // Sets files[i].dir_fd and .name for paths[i]: relative to an open parent where a run of at
  // least two consecutive paths shares it, the whole path otherwise. The names point into
  // `paths`, the descriptors stay open until close_all().
  void resolve(std::span<const std::string* const> paths, std::span<SmallFile> files);
  void close_all();

 private:
  std::vector<int> fds_;
};

}  // namespace moonring
