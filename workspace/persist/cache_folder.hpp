// Where persistent stores live and how many bytes they may take: one store per workspace in the
// user's cache folder, the least recently used ones evicted past a size limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace moonring::persist {

// $XDG_CACHE_HOME/moonring when XDG_CACHE_HOME is an absolute path, else $HOME/.cache/moonring
// (the XDG base directory rule).
Result<std::string> cache_folder();

// The store file of a workspace in `folder`: named by the hash of `workspace_key` (its roots).
std::string store_path(const std::string& folder, std::string_view workspace_key);

// Removes stores of `folder` (least recently modified first; opening a store touches it) until
// they take at most `limit` bytes, never `keep`; and temporary files a writer left behind more
// than an hour ago. Returns how many stores it removed.
std::size_t evict(const std::string& folder, std::uint64_t limit, const std::string& keep);

inline constexpr std::uint64_t kDefaultLimit = std::uint64_t{256} << 20;

}  // namespace moonring::persist
