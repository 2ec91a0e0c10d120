// A file's summaries as bytes for the persistent index (docs/cache.md): what the service keeps of
// an analysed file (file_summary.hpp) and what the query index keeps (query/summary.hpp), so a
// file whose content is cached need not be parsed until a query needs its tree.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "lang/lua/query/summary.hpp"
#include "lang/lua/services/file_summary.hpp"

namespace moonring::lua {

// Bumped whenever the encoding or the meaning of a summary changes.
inline constexpr unsigned kSummaryCodecVersion = 2;

// `check` must have no load_error (a file that could not be read is not cached).
std::string encode_summaries(const FileSummary& check, const query::FileSummary& query);

// False when `bytes` are not a whole, well-formed encoding (a truncated record, an id out of
// range, an unknown enum value): the caller analyses the file instead.
bool decode_summaries(std::span<const std::byte> bytes, FileSummary& check,
                      query::FileSummary& query);

}  // namespace moonring::lua
