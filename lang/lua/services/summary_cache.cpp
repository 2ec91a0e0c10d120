// The persistent index of file summaries: see summary_cache.hpp.
#include "lang/lua/services/summary_cache.hpp"

#include <sys/stat.h>

#include <cstdlib>
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

std::uint64_t mix(std::uint64_t h, std::string_view part) {
  return persist::hash64(part, h ^ part.size());
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
                                                 std::uint64_t settings_fingerprint) {
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

void SummaryCache::put(std::string_view path, std::string_view text, bool library,
                       const FileSummary& check, const query::FileSummary& query) {
  if (check.load_error) return;
  store_.put(key(path, text, library), encode_summaries(check, query));
}

Result<void> SummaryCache::save() {
  if (!store_.stale()) return {};
  Result<void> wrote = store_.write();
  persist::evict(folder_, limit_, store_.path());
  return wrote;
}

}  // namespace moonring::lua
