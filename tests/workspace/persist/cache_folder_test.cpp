// The cache folder (XDG rule) and eviction of the least recently used workspaces past the limit.
#include "tests/workspace/persist/persist_test_support.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>

#include "workspace/persist/cache_folder.hpp"

namespace moonring::test {
namespace {

// Sets an environment variable for the scope, restoring it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

void set_age(const std::string& path, long seconds_ago) {
  struct timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

TEST_CASE("the cache folder follows XDG_CACHE_HOME, else HOME/.cache", "[persist]") {
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "/tmp/xdg-here");
    CHECK(*persist::cache_folder() == "/tmp/xdg-here/moonring");
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "relative/ignored");
    ScopedEnv home("HOME", "/home/someone");
    CHECK(*persist::cache_folder() == "/home/someone/.cache/moonring");
  }
  {
    ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
    ScopedEnv home("HOME", nullptr);
    CHECK_FALSE(persist::cache_folder());
  }
}

TEST_CASE("one store per workspace, named by its roots", "[persist]") {
  CHECK(persist::store_path("/c", "/a\n") == persist::store_path("/c", "/a\n"));
  CHECK(persist::store_path("/c", "/a\n") != persist::store_path("/c", "/b\n"));
  CHECK(persist::store_path("/c", "/a\n").ends_with(".store"));
}

TEST_CASE("eviction removes the least recently used stores past the limit, never the kept one",
          "[persist][evict]") {
  PersistDir dir;
  const std::string kb(1000, 'x');
  const auto store = [&](const std::string& name, long age) {
    const std::string path = dir.path() + "/" + name + ".store";
    write_all(path, kb);
    set_age(path, age);
    return path;
  };
  const std::string oldest = store("a", 500);
  const std::string old = store("b", 400);
  const std::string recent = store("c", 300);
  const std::string newest = store("d", 10);
  write_all(dir.path() + "/notes.txt", kb);  // not a store: never counted or removed
  set_age(dir.path() + "/notes.txt", 9000);

  // 4000 bytes of stores, limit 2500: the two least recently used go, except the kept one.
  CHECK(persist::evict(dir.path(), 2500, oldest) == 2);
  CHECK(std::filesystem::exists(oldest));  // kept though oldest: the workspace in use
  CHECK_FALSE(std::filesystem::exists(old));
  CHECK_FALSE(std::filesystem::exists(recent));
  CHECK(std::filesystem::exists(newest));
  CHECK(std::filesystem::exists(dir.path() + "/notes.txt"));
  CHECK(persist::evict(dir.path(), 2500, oldest) == 0);  // under the limit now
}

TEST_CASE("opening a store makes it the most recently used", "[persist][evict]") {
  PersistDir dir;
  const std::string a = dir.path() + "/a.store";
  const std::string b = dir.path() + "/b.store";
  write_store(a, "v1", sample_records(40));
  write_store(b, "v1", sample_records(40));
  set_age(a, 1000);
  set_age(b, 500);
  { persist::Store opened = persist::Store::open(a, "v1"); }  // a: used just now
  const auto size = std::filesystem::file_size(a);
  CHECK(persist::evict(dir.path(), size, "") == 1);
  CHECK(std::filesystem::exists(a));
  CHECK_FALSE(std::filesystem::exists(b));
}

TEST_CASE("temporary files a crashed writer left are removed after an hour", "[persist][evict]") {
  PersistDir dir;
  const std::string stale = dir.path() + "/x.store.tmp.123.0";
  const std::string fresh = dir.path() + "/x.store.tmp.456.0";
  write_all(stale, "half");
  write_all(fresh, "half");
  set_age(stale, 7200);
  persist::evict(dir.path(), persist::kDefaultLimit, "");
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(fresh));  // perhaps a writer at work now
}

}  // namespace
}  // namespace moonring::test
