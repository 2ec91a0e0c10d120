// The persistent index of file summaries: see summary_cache.hpp.
#include "lang/lua/services/summary_cache.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>

#include "lang/lua/config/load.hpp"
#include "lang/lua/services/summary_codec.hpp"
#include "workspace/persist/cache_folder.hpp"
#include "workspace/persist/hash.hpp"

namespace moonring::lua {
namespace {

constexpr std::string_view kMoonringVersion = "0.1.0";
constexpr std::uint64_t kContentSeed = 0x636f6e74656e74ull;
constexpr std::uint64_t kContextSeed = 0x636f6e74657874ull;
constexpr std::uint64_t kStampSeed = 0x7374616d70ull;
// A stamp record's bytes: the content hash of the record it points to (the key's other half is
// the context, the same for both).
constexpr std::size_t kStampRecordBytes = 8;

std::uint64_t mix(std::uint64_t h, std::string_view part) {
  return persist::hash64(part, h ^ part.size());
}

// What a stamp record is keyed by: the file's size and stamp under the file's context.
persist::Key stamp_key(std::uint64_t context, std::uint64_t size,
                       const workspace::FileStamp& stamp) {
  const std::uint64_t fields[] = {size, stamp.device, stamp.inode,
                                  static_cast<std::uint64_t>(stamp.modified_ns),
                                  static_cast<std::uint64_t>(stamp.changed_ns)};
  return {persist::hash64(fields, sizeof fields, kStampSeed), context};
}

std::uint64_t limit_from_environment() {
  const char* mb = std::getenv("MOONRING_CACHE_LIMIT_MB");
  if (mb == nullptr || *mb == '\0') return persist::kDefaultLimit;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(mb, &end, 10);
  if (*end != '\0') return persist::kDefaultLimit;
  return static_cast<std::uint64_t>(n) << 20;
}

}  // namespace

std::string cache_version() {
  std::string version =
      std::string(kMoonringVersion) + "/codec" + std::to_string(kSummaryCodecVersion);
  struct stat st {};
  if (::stat("/proc/self/exe", &st) == 0) {
    version += "/" + std::to_string(st.st_size) + "." + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec);
  }
  return version;
}

std::uint64_t settings_fingerprint(const std::vector<std::string>& roots,
                                   std::string_view client_settings) {
  std::uint64_t h = mix(0, client_settings);
  for (const std::string& root : roots) {
    h = mix(h, root);
    const config::ConfigFiles files = config::find_config_files(root);
    for (const auto& file : {files.luacheckrc, files.luarc}) {
      if (!file) {
        h = mix(h, "-");
        continue;
      }
      h = mix(h, *file);
      Result<std::string> text = config::read_text_file(*file);
      h = mix(h, text ? std::string_view(*text) : std::string_view("unreadable"));
    }
  }
  return h;
}

std::unique_ptr<SummaryCache> SummaryCache::open(const std::vector<std::string>& roots,
                                                 std::uint64_t settings_fingerprint,
                                                 std::int64_t stamp_margin_ns) {
  const char* off = std::getenv("MOONRING_CACHE");
  if (off != nullptr && std::string_view(off) == "off") return nullptr;
  Result<std::string> folder = persist::cache_folder();
  if (!folder) return nullptr;
  std::string workspace;
  for (const std::string& root : roots) workspace += root + '\n';
  auto cache = std::make_unique<SummaryCache>();
  cache->folder_ = std::move(*folder);
  cache->limit_ = limit_from_environment();
  cache->context_ = settings_fingerprint;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  cache->stamps_before_ns_ =
      std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec - stamp_margin_ns;
  cache->store_ =
      persist::Store::open(persist::store_path(cache->folder_, workspace), cache_version());
  return cache;
}

persist::Key SummaryCache::key(std::string_view path, std::string_view text, bool library) const {
  const std::uint64_t context = mix(mix(context_ ^ kContextSeed, path), library ? "lib" : "src");
  return {persist::hash64(text, kContentSeed), context};
}

bool SummaryCache::find(std::string_view path, std::string_view text, bool library,
                        FileSummary& check, query::FileSummary& query) const {
  const std::optional<std::span<const std::byte>> bytes = store_.find(key(path, text, library));
  return bytes && decode_summaries(*bytes, check, query);
}

std::optional<persist::Key> SummaryCache::unchanged(std::string_view path, bool library,
                                                    std::uint64_t size,
                                                    const workspace::FileStamp& stamp) const {
  if (stamp.inode == 0) return std::nullopt;  // not stat'ed
  const std::uint64_t context = key(path, {}, library).lo;
  const std::optional<std::span<const std::byte>> bytes =
      store_.find(stamp_key(context, size, stamp));
  if (!bytes || bytes->size() != kStampRecordBytes) return std::nullopt;
  std::uint64_t content = 0;
  std::memcpy(&content, bytes->data(), sizeof content);
  return persist::Key{content, context};
}

bool SummaryCache::find(persist::Key content, FileSummary& check, query::FileSummary& query) const {
  const std::optional<std::span<const std::byte>> bytes = store_.find(content);
  return bytes && decode_summaries(*bytes, check, query);
}

void SummaryCache::put(std::string_view path, std::string_view text, bool library,
                       const FileSummary& check, const query::FileSummary& query,
                       const workspace::FileStamp* stamp, std::uint64_t size) {
  if (check.load_error) return;
  const persist::Key content = key(path, text, library);
  store_.put(content, encode_summaries(check, query));
  // The stamp was taken before the text was read: a change after it, even one that kept the
  // size, moves the change time past a stamp this old.
  if (stamp && stamp->inode != 0 && size == text.size() && stamp->changed_ns < stamps_before_ns_ &&
      stamp->modified_ns < stamps_before_ns_) {
    char bytes[kStampRecordBytes];
    std::memcpy(bytes, &content.hi, sizeof bytes);
    store_.put(stamp_key(content.lo, size, *stamp), std::string_view(bytes, sizeof bytes));
  }
}

Result<void> SummaryCache::save() {
  if (!store_.stale()) return {};
  Result<void> wrote = store_.write();
  persist::evict(folder_, limit_, store_.path());
  return wrote;
}

}  // namespace moonring::lua
