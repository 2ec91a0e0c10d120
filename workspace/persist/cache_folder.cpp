// Cache folder, store names and eviction: see cache_folder.hpp.
#include "workspace/persist/cache_folder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "workspace/persist/hash.hpp"

namespace moonring::persist {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kSuffix = ".store";
}

Result<std::string> cache_folder() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/moonring";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/moonring";
  return Error{std::make_error_code(std::errc::no_such_file_or_directory),
               "cache folder: neither XDG_CACHE_HOME nor HOME is an absolute path"};
}

std::string store_path(const std::string& folder, std::string_view workspace_key) {
  char name[17];
  std::snprintf(name, sizeof name, "%016llx",
                static_cast<unsigned long long>(hash64(workspace_key, 0x776f726b7370ull)));
  return folder + "/" + name + std::string(kSuffix);
}

std::size_t evict(const std::string& folder, std::uint64_t limit, const std::string& keep) {
  struct Found {
    fs::path path;
    fs::file_time_type modified;
    std::uint64_t size;
  };
  std::vector<Found> stores;
  std::uint64_t total = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    std::error_code e;
    const std::string name = entry.path().filename().string();
    const fs::file_time_type modified = entry.last_write_time(e);
    if (e) continue;
    if (name.find(".store.tmp.") != std::string::npos) {
      if (now - modified > std::chrono::hours(1)) fs::remove(entry.path(), e);
      continue;
    }
    if (!name.ends_with(kSuffix)) continue;
    const std::uint64_t size = entry.file_size(e);
    if (e) continue;
    total += size;
    if (entry.path() != fs::path(keep)) stores.push_back({entry.path(), modified, size});
  }
  std::sort(stores.begin(), stores.end(),
            [](const Found& a, const Found& b) { return a.modified < b.modified; });
  std::size_t removed = 0;
  for (const Found& s : stores) {
    if (total <= limit) break;
    std::error_code e;
    if (fs::remove(s.path, e)) {
      total -= s.size;
      ++removed;
    }
  }
  return removed;
}

}  // namespace moonring::persist
