// The persistent index under the language service: a summary is found only for the same path,
// content, library flag and settings; a second load publishes what the first did; the service
// really serves what the store holds (a planted record shows through), and a damaged store is
// rebuilt, never served.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "lang/lua/services/lua_service.hpp"
#include "lang/lua/services/summary_cache.hpp"
#include "lang/lua/services/workspace_settings.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/persist/cache_folder.hpp"

using namespace moonring;
using namespace moonring::lua;

namespace {

// XDG_CACHE_HOME pointed at a folder of the test for the scope.
class CacheHome {
 public:
  CacheHome() {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) old_ = old;
    ::setenv("XDG_CACHE_HOME", tree_.root().c_str(), 1);
  }
  ~CacheHome() {
    if (old_)
      ::setenv("XDG_CACHE_HOME", old_->c_str(), 1);
    else
      ::unsetenv("XDG_CACHE_HOME");
  }
  std::string folder() const { return tree_.root() + "/moonring"; }

 private:
  test::TempTree tree_;
  std::optional<std::string> old_;
};

struct Summaries {
  FileSummary check;
  query::FileSummary query;
};

Summaries summarise_text(std::string_view text) {
  WorkspaceSettings settings(config::Config{}, config::Settings{});
  const WorkspaceCheckOptions& options = settings.base();
  const FileAnalysis analysis = analyze(text, options.version);
  return {summarise(analysis, options, options.inline_options, false),
          query::summarize(analysis.parsed.tree, analysis.binding)};
}

std::vector<std::string> codes(const service::FileDiagnostics& f) {
  std::vector<std::string> out;
  for (const service::Diagnostic& d : f.diagnostics) out.push_back(d.code + " " + d.message);
  return out;
}

using Published = std::map<std::string, std::vector<std::string>>;

// One server's life on `roots`: load, every file's diagnostics, stop. `messages` collects the
// service's messages.
Published load_once(Runtime& rt, const std::vector<std::string>& roots,
                    std::vector<std::string>& messages) {
  Published published;
  service::Sinks sinks;
  sinks.diagnostics = [&published](service::FileDiagnostics f) { published[f.path] = codes(f); };
  sinks.message = [&messages](service::Sinks::Level, std::string m) {
    messages.push_back(std::move(m));
  };
  rt.block_on([&]() -> Task<void> {
    LuaService service(sinks);
    co_await service.load(roots);
    co_await service.stop();
  });
  return published;
}

// One bit of the store's index (its last 40 bytes: records precede it): the whole file is
// rejected.
void flip_index_bit(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const std::streamoff at = static_cast<std::streamoff>(f.tellg()) - 17;
  REQUIRE(at > 64);
  char c = 0;
  f.seekg(at);
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x08);
  f.seekp(at);
  f.write(&c, 1);
  REQUIRE(f.good());
}

}  // namespace

TEST_CASE("summary cache: found only for the same path, content, library flag and settings",
          "[summary_cache]") {
  CacheHome home;
  const std::vector<std::string> roots{"/srv/project-a"};
  const std::string text = "local x = 1\nprint(y)\n";
  const Summaries s = summarise_text(text);
  {
    auto cache = SummaryCache::open(roots, 42);
    REQUIRE(cache);
    Summaries out;
    CHECK_FALSE(cache->find("/w/a.lua", text, false, out.check, out.query));
    cache->put("/w/a.lua", text, false, s.check, s.query);
    REQUIRE(cache->save());
  }
  auto cache = SummaryCache::open(roots, 42);
  REQUIRE(cache);
  CHECK(cache->damage().empty());
  Summaries out;
  REQUIRE(cache->find("/w/a.lua", text, false, out.check, out.query));
  CHECK(out.check.read_names == s.check.read_names);
  CHECK(out.check.diagnostics.size() == s.check.diagnostics.size());
  CHECK_FALSE(cache->find("/w/b.lua", text, false, out.check, out.query));
  CHECK_FALSE(cache->find("/w/a.lua", text + " ", false, out.check, out.query));
  CHECK_FALSE(cache->find("/w/a.lua", text, true, out.check, out.query));
  auto other_settings = SummaryCache::open(roots, 43);
  CHECK_FALSE(other_settings->find("/w/a.lua", text, false, out.check, out.query));
  auto other_workspace = SummaryCache::open({"/srv/project-b"}, 42);
  CHECK_FALSE(other_workspace->find("/w/a.lua", text, false, out.check, out.query));
}

TEST_CASE("summary cache: MOONRING_CACHE=off turns it off", "[summary_cache]") {
  CacheHome home;
  ::setenv("MOONRING_CACHE", "off", 1);
  CHECK_FALSE(SummaryCache::open({"/w"}, 1));
  ::unsetenv("MOONRING_CACHE");
  CHECK(SummaryCache::open({"/w"}, 1));
}

TEST_CASE("summary cache: the settings' fingerprint follows the configuration files",
          "[summary_cache]") {
  test::TempTree t;
  const std::vector<std::string> roots{t.root()};
  const std::uint64_t none = settings_fingerprint(roots, "");
  t.add(".luarc.json", "{}");
  const std::uint64_t luarc = settings_fingerprint(roots, "");
  t.add(".luarc.json", "{ }");
  const std::uint64_t edited = settings_fingerprint(roots, "");
  CHECK(none != luarc);
  CHECK(luarc != edited);
  CHECK(settings_fingerprint(roots, "{\"x\":1}") != edited);
  CHECK(settings_fingerprint(roots, "") == edited);
}

TEST_CASE("lua service: a warm load publishes what the cold one did, from the store",
          "[summary_cache]") {
  CacheHome home;
  test::TempTree t;
  t.add("a.lua", "shared = 1\nlocal unused = 2\n");
  t.add("b.lua", "print(shared, missing)\n");
  t.add("c.lua", "local t = {}\nfunction t.f(a) end\nreturn t\n");
  t.add("d.lua", "local x = (\n");
  const std::vector<std::string> roots{t.root()};
  auto rt = test::start_runtime(2);

  std::vector<std::string> messages;
  const Published cold = load_once(*rt, roots, messages);
  REQUIRE(cold.size() == 4);
  const std::string store = persist::store_path(home.folder(), t.root() + "\n");
  REQUIRE(std::filesystem::exists(store));
  const Published warm = load_once(*rt, roots, messages);
  CHECK(warm == cold);
  CHECK(messages.empty());

  // The store is what the warm load reads: a record planted for b.lua's content shows through.
  {
    auto cache = SummaryCache::open(roots, settings_fingerprint(roots, ""));
    REQUIRE(cache);
    std::ifstream in(t.path("b.lua"), std::ios::binary);
    const std::string b{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const Summaries planted = summarise_text("print(planted_only_in_the_store)\n");
    cache->put(t.path("b.lua"), b, false, planted.check, planted.query);
    // The other files found, so the rewrite keeps them.
    for (const char* name : {"a.lua", "c.lua", "d.lua"}) {
      std::ifstream f(t.path(name), std::ios::binary);
      const std::string text{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
      Summaries ignored;
      CHECK(cache->find(t.path(name), text, false, ignored.check, ignored.query));
    }
    REQUIRE(cache->save());
  }
  const Published planted = load_once(*rt, roots, messages);
  CHECK(planted.at(t.path("b.lua")) ==
        std::vector<std::string>{"undefined-global undefined global 'planted_only_in_the_store'"});
  CHECK(planted.at(t.path("a.lua")) == cold.at(t.path("a.lua")));

  // A damaged store is rebuilt, never served: the planted record is gone with it.
  flip_index_bit(store);
  messages.clear();
  const Published rebuilt = load_once(*rt, roots, messages);
  CHECK(rebuilt == cold);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].find("persistent index") != std::string::npos);
  messages.clear();
  CHECK(load_once(*rt, roots, messages) == cold);
  CHECK(messages.empty());  // the rebuilt store is whole
}

namespace {

// The size and stamp the service's walk sees for `path` (the only file under `root`).
workspace::DiscoveredFile walked(const std::string& root) {
  workspace::DiscoveredFile found;
  workspace::DiscoverOptions options;
  options.roots = {root};
  workspace::discover_files(options, {[&found](workspace::DiscoveredFile&& f) { found = f; }, {}});
  return found;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("lua service: a file whose stamp the store recorded is not read again",
          "[summary_cache]") {
  // Issue 15: a warm start reads only what changed. The store below says a.lua, at its current
  // size and stamp, has the content of another text of the same size: what the load publishes
  // for a.lua is that text's, so the file was not read. A write since (same size, its
  // modification time put back) moves the change time: the file is read again.
  CacheHome home;
  test::TempTree t;
  t.add("a.lua", "local real = 1\n");
  const std::vector<std::string> roots{t.root()};
  const workspace::DiscoveredFile a = walked(t.root());
  REQUIRE(a.path == t.path("a.lua"));
  REQUIRE(a.stamp.inode != 0);
  {
    // A margin below zero: a stamp taken just now counts as settled (the service's is 3 s).
    auto cache = SummaryCache::open(roots, settings_fingerprint(roots, ""), -1'000'000'000);
    REQUIRE(cache);
    const std::string other = "local fake = 1\n";
    REQUIRE(other.size() == a.size);
    const Summaries s = summarise_text(other);
    cache->put(a.path, other, false, s.check, s.query, &a.stamp, a.size);
    REQUIRE(cache->save());
  }
  auto rt = test::start_runtime(2);
  std::vector<std::string> messages;
  CHECK(load_once(*rt, roots, messages).at(a.path) ==
        std::vector<std::string>{"unused-local unused local 'fake'"});

  // Rewritten in place with the same size, the modification time set back: read again.
  struct stat before {};
  REQUIRE(::stat(a.path.c_str(), &before) == 0);
  std::ofstream(a.path, std::ios::binary | std::ios::trunc) << "local next = 1\n";
  const timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, a.path.c_str(), times, 0) == 0);
  REQUIRE(read_all(a.path).size() == a.size);
  CHECK(load_once(*rt, roots, messages).at(a.path) ==
        std::vector<std::string>{"unused-local unused local 'next'"});
  CHECK(messages.empty());
}

TEST_CASE("lua service: a known stamp whose content record is gone: the file is read after all",
          "[summary_cache]") {
  CacheHome home;
  test::TempTree t;
  t.add("a.lua", "local real = 1\n");
  const std::vector<std::string> roots{t.root()};
  const workspace::DiscoveredFile a = walked(t.root());
  const std::uint64_t settings = settings_fingerprint(roots, "");
  {
    auto cache = SummaryCache::open(roots, settings, -1'000'000'000);
    const std::string other = "local fake = 1\n";
    const Summaries s = summarise_text(other);
    cache->put(a.path, other, false, s.check, s.query, &a.stamp, a.size);
    REQUIRE(cache->save());
  }
  {
    // Only the stamp record is used, so the rewrite keeps it and drops the content's.
    auto cache = SummaryCache::open(roots, settings);
    REQUIRE(cache->unchanged(a.path, false, a.size, a.stamp));
    REQUIRE(cache->save());
  }
  REQUIRE(SummaryCache::open(roots, settings)->unchanged(a.path, false, a.size, a.stamp));
  auto rt = test::start_runtime(2);
  std::vector<std::string> messages;
  CHECK(load_once(*rt, roots, messages).at(a.path) ==
        std::vector<std::string>{"unused-local unused local 'real'"});
}

TEST_CASE("summary cache: a stamp is recorded only for a file that has not changed lately",
          "[summary_cache]") {
  // A file changed within the margin before the store was opened could change again within the
  // same timestamp tick after it was read: its stamp would not tell. So no stamp is kept.
  CacheHome home;
  test::TempTree t;
  t.add("a.lua", "local x = 1\n");
  const std::vector<std::string> roots{t.root()};
  const workspace::DiscoveredFile a = walked(t.root());
  const std::string text = read_all(a.path);
  const Summaries s = summarise_text(text);
  {
    auto cache = SummaryCache::open(roots, 7);  // the service's margin: a.lua is too recent
    cache->put(a.path, text, false, s.check, s.query, &a.stamp, a.size);
    REQUIRE(cache->save());
  }
  CHECK_FALSE(SummaryCache::open(roots, 7)->unchanged(a.path, false, a.size, a.stamp));
  {
    auto cache = SummaryCache::open(roots, 7, -1'000'000'000);
    cache->put(a.path, text, false, s.check, s.query, &a.stamp, a.size);
    REQUIRE(cache->save());
  }
  auto cache = SummaryCache::open(roots, 7);
  const std::optional<persist::Key> content = cache->unchanged(a.path, false, a.size, a.stamp);
  REQUIRE(content);
  Summaries out;
  CHECK(cache->find(*content, out.check, out.query));
  CHECK_FALSE(cache->unchanged(a.path, true, a.size, a.stamp));       // as a library file
  CHECK_FALSE(cache->unchanged(a.path, false, a.size + 1, a.stamp));  // another size
  workspace::FileStamp later = a.stamp;
  ++later.changed_ns;
  CHECK_FALSE(cache->unchanged(a.path, false, a.size, later));
}

TEST_CASE("summary cache: MOONRING_CACHE_LIMIT_MB bounds the folder, evicting other workspaces",
          "[summary_cache]") {
  CacheHome home;
  std::filesystem::create_directories(home.folder());
  const std::string other = home.folder() + "/0123456789abcdef.store";
  const auto save_one = [](const std::vector<std::string>& roots) {
    auto cache = SummaryCache::open(roots, 1);
    REQUIRE(cache);
    const Summaries s = summarise_text("x = 1\n");
    cache->put("/w/a.lua", "x = 1\n", false, s.check, s.query);
    REQUIRE(cache->save());
  };
  std::ofstream(other, std::ios::binary) << std::string(4096, 'x');
  save_one({"/w1"});  // default limit, 256 MB: nothing evicted
  CHECK(std::filesystem::exists(other));
  ::setenv("MOONRING_CACHE_LIMIT_MB", "0", 1);
  save_one({"/w2"});
  ::unsetenv("MOONRING_CACHE_LIMIT_MB");
  CHECK_FALSE(std::filesystem::exists(other));  // least recently used: gone
  CHECK(std::filesystem::exists(persist::store_path(home.folder(), "/w2\n")));  // in use: kept
}
