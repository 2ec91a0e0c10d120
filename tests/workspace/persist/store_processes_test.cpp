// Two servers on one workspace: processes that rewrite the same store at once leave a valid
// store, and a reader opening it meanwhile always maps a whole file (the old or a new one).
// Children report through their exit status only (no Catch2 outside the test's own process).
#include "tests/workspace/persist/persist_test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace moonring::test {
namespace {

using persist::Key;
using persist::Store;

constexpr int kRounds = 40;

// A writer: each round maps the store, uses what it finds, adds its own records, rewrites it.
// Exit status: rounds whose write failed or whose own intact records came back wrong.
[[noreturn]] void writer(const std::string& path, std::uint64_t tag) {
  const auto mine = sample_records(20, tag);
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    Store store = Store::open(path, "v1");
    for (const auto& [key, bytes] : mine) {
      auto found = store.find(key);
      if (found && as_string(*found) != bytes) ++failures;
      store.put(key, bytes);
    }
    if (!store.write()) ++failures;
  }
  _exit(failures > 100 ? 100 : failures);
}

// A reader: every open while writers rename must map a valid store (once one exists).
// Exit status: opens that saw a defect.
[[noreturn]] void reader(const std::string& path) {
  int defects = 0;
  for (int round = 0; round < kRounds * 4; ++round) {
    Store store = Store::open(path, "v1");
    if (!store.problem().empty()) ++defects;
    for (std::uint64_t tag = 1; tag <= 3; ++tag) {
      for (const auto& [key, bytes] : sample_records(20, tag)) {
        auto found = store.find(key);
        if (found && as_string(*found) != bytes) ++defects;
      }
    }
  }
  _exit(defects > 100 ? 100 : defects);
}

TEST_CASE("processes writing one store at once leave it valid; readers never see a torn file",
          "[persist][processes]") {
  PersistDir dir;
  const std::string path = dir.path() + "/w.store";
  write_store(path, "v1", sample_records(5, 9));  // a valid file before the race starts
  std::vector<pid_t> children;
  for (std::uint64_t tag = 1; tag <= 3; ++tag) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) writer(path, tag);
    children.push_back(pid);
  }
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) reader(path);
  children.push_back(pid);
  for (pid_t child : children) {
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  Store store = Store::open(path, "v1");
  REQUIRE(store.problem().empty());
  // The last rename wins: at least one writer's records are all there, and all intact.
  std::size_t complete = 0;
  for (std::uint64_t tag = 1; tag <= 3; ++tag) {
    bool all = true;
    for (const auto& [key, bytes] : sample_records(20, tag)) {
      auto found = store.find(key);
      if (!found) {
        all = false;
        continue;
      }
      CHECK(as_string(*found) == bytes);
    }
    if (all) ++complete;
  }
  CHECK(complete >= 1);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    CHECK(entry.path().filename() == "w.store");  // no temporary file left
}

}  // namespace
}  // namespace moonring::test
