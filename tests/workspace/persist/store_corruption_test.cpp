// Never trusted: a truncated, extended, bit-flipped, foreign or other-version file is detected,
// nothing in it is served, and the next write rebuilds a valid store.
#include "tests/workspace/persist/persist_test_support.hpp"

#include <cstring>

#include "workspace/persist/format.hpp"

namespace moonring::test {
namespace {

using persist::Key;
using persist::Store;

// Opens `path` and looks up every record: what comes back must be the original bytes. Returns
// whether the defect was seen (the file rejected, or a record found damaged).
bool detected_and_never_served(const std::string& path, const std::map<Key, std::string>& records) {
  Store store = Store::open(path, "v1");
  bool wrong = false;
  for (const auto& [key, bytes] : records) {
    auto found = store.find(key);
    if (found && as_string(*found) != bytes) wrong = true;
  }
  CHECK_FALSE(wrong);
  return !store.problem().empty() || store.damaged() != 0;
}

// After a defect: the next write gives a store whose records are all intact.
void rebuilt(const std::string& path, const std::map<Key, std::string>& records) {
  {
    Store store = Store::open(path, "v1");
    for (const auto& [key, bytes] : records)
      if (!store.find(key)) store.put(key, bytes);
    REQUIRE(store.stale());
    REQUIRE(store.write());
  }
  Store store = Store::open(path, "v1");
  REQUIRE(store.problem().empty());
  for (const auto& [key, bytes] : records) {
    auto found = store.find(key);
    REQUIRE(found);
    CHECK(as_string(*found) == bytes);
  }
  CHECK(store.damaged() == 0);
}

struct Fixture {
  PersistDir dir;
  std::string path = dir.path() + "/w.store";
  std::map<Key, std::string> records = sample_records(6);
  std::string good;
  Fixture() {
    write_store(path, "v1", records);
    good = read_all(path);
  }
};

TEST_CASE("every single-bit flip anywhere in the file is detected and never served",
          "[persist][corruption]") {
  Fixture f;
  REQUIRE(f.good.size() > sizeof(persist::FileHeader) + 6 * sizeof(persist::IndexEntry));
  std::size_t undetected = 0;
  for (std::size_t byte = 0; byte < f.good.size(); ++byte) {
    for (int bit : {0, 3, 7}) {
      std::string bad = f.good;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      write_all(f.path, bad);
      if (!detected_and_never_served(f.path, f.records)) ++undetected;
    }
  }
  CHECK(undetected == 0);
  write_all(f.path, f.good);
  CHECK_FALSE(detected_and_never_served(f.path, f.records));  // the control: intact is used
}

TEST_CASE("a truncated file is rejected whatever its length, then rebuilt",
          "[persist][corruption]") {
  Fixture f;
  for (std::size_t length = 0; length < f.good.size(); ++length) {
    write_all(f.path, f.good.substr(0, length));
    Store store = Store::open(f.path, "v1");
    if (length == 0) {
      CHECK(store.problem() == "shorter than a header");
    } else {
      CHECK_FALSE(store.problem().empty());
    }
    for (const auto& [key, bytes] : f.records) CHECK_FALSE(store.find(key));
  }
  rebuilt(f.path, f.records);
}

TEST_CASE("an extended file is rejected", "[persist][corruption]") {
  Fixture f;
  write_all(f.path, f.good + "tail");
  Store store = Store::open(f.path, "v1");
  CHECK(store.problem() == "truncated or extended");
  rebuilt(f.path, f.records);
}

TEST_CASE("a foreign file is rejected, then rebuilt", "[persist][corruption]") {
  Fixture f;
  std::string foreign(4096, '\0');
  for (std::size_t i = 0; i < foreign.size(); ++i) foreign[i] = static_cast<char>(i * 131 + 7);
  write_all(f.path, foreign);
  CHECK(Store::open(f.path, "v1").problem() == "not a moonring store");
  write_all(f.path, "-- not a store\nreturn {}\n" + std::string(100, ' '));
  CHECK(Store::open(f.path, "v1").problem() == "not a moonring store");
  rebuilt(f.path, f.records);
}

TEST_CASE("another version's file is rejected, then rebuilt under this one",
          "[persist][corruption]") {
  Fixture f;
  Store other = Store::open(f.path, "v2");
  CHECK(other.problem() == "written by another moonring version");
  for (const auto& [key, bytes] : f.records) CHECK_FALSE(other.find(key));
  for (const auto& [key, bytes] : f.records) other.put(key, bytes + "/v2");
  REQUIRE(other.write());
  CHECK(Store::open(f.path, "v1").problem() == "written by another moonring version");
  CHECK(Store::open(f.path, "v2").problem().empty());
}

TEST_CASE("another format version is rejected even with a valid header checksum",
          "[persist][corruption]") {
  Fixture f;
  persist::FileHeader h;
  std::memcpy(&h, f.good.data(), sizeof h);
  h.format = persist::kFormatVersion + 1;
  std::string bad = f.good;
  std::memcpy(bad.data(), &h, sizeof h);
  write_all(f.path, bad);
  CHECK(Store::open(f.path, "v1").problem() == "another format version");
}

TEST_CASE("a damaged record is not served, the others are, and the rewrite drops it",
          "[persist][corruption]") {
  Fixture f;
  // The first record's first byte, just past the header (records precede the index).
  std::string bad = f.good;
  bad[sizeof(persist::FileHeader)] = static_cast<char>(bad[sizeof(persist::FileHeader)] ^ 0x10);
  write_all(f.path, bad);
  Key last = f.records.begin()->first;  // written first
  REQUIRE(!f.records.begin()->second.empty());
  {
    Store store = Store::open(f.path, "v1");
    REQUIRE(store.problem().empty());
    CHECK_FALSE(store.find(last));
    CHECK(store.damaged() == 1);
    for (const auto& [key, bytes] : f.records)
      if (key != last) CHECK(as_string(*store.find(key)) == bytes);
    CHECK(store.stale());
    REQUIRE(store.write());
  }
  Store store = Store::open(f.path, "v1");
  REQUIRE(store.problem().empty());
  CHECK(store.records() == f.records.size() - 1);
  CHECK_FALSE(store.find(last));
  CHECK(store.damaged() == 0);
}

}  // namespace
}  // namespace moonring::test
