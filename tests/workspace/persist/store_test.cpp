// The store's ordinary life: written, mapped, found; unused records dropped; a missing file is an
// empty store.
#include "tests/workspace/persist/persist_test_support.hpp"

#include <set>

#include "workspace/persist/hash.hpp"

namespace moonring::test {
namespace {

using persist::Key;
using persist::Store;

TEST_CASE("a written store maps back with every record", "[persist]") {
  PersistDir dir;
  const std::string path = dir.path() + "/w.store";
  const auto records = sample_records(50);
  write_store(path, "v1", records);

  Store store = Store::open(path, "v1");
  CHECK(store.problem().empty());
  CHECK(store.records() == records.size());
  for (const auto& [key, bytes] : records) {
    auto found = store.find(key);
    REQUIRE(found);
    CHECK(as_string(*found) == bytes);
  }
  CHECK_FALSE(store.find(Key{0, 999}));
  CHECK_FALSE(store.stale());  // every record used, nothing put: no write needed
  CHECK(store.damaged() == 0);
}

TEST_CASE("a missing file is an empty store, not a defect", "[persist]") {
  PersistDir dir;
  Store store = Store::open(dir.path() + "/none.store", "v1");
  CHECK(store.problem().empty());
  CHECK(store.records() == 0);
  CHECK_FALSE(store.find(Key{0, 1}));
  CHECK_FALSE(store.stale());
}

TEST_CASE("a write keeps the records found or put and drops the others", "[persist]") {
  PersistDir dir;
  const std::string path = dir.path() + "/w.store";
  write_store(path, "v1", sample_records(10));
  {
    Store store = Store::open(path, "v1");
    REQUIRE(store.find(Key{0, 3}));
    REQUIRE(store.find(Key{0, 4}));
    store.put(Key{0, 4}, "replaced");
    store.put(Key{7, 7}, "new");
    CHECK(store.stale());
    REQUIRE(store.write());
  }
  Store store = Store::open(path, "v1");
  REQUIRE(store.problem().empty());
  CHECK(store.records() == 3);
  CHECK(as_string(*store.find(Key{0, 3})) == sample_records(10)[Key{0, 3}]);
  CHECK(as_string(*store.find(Key{0, 4})) == "replaced");
  CHECK(as_string(*store.find(Key{7, 7})) == "new");
  CHECK_FALSE(store.find(Key{0, 5}));
}

TEST_CASE("a write leaves no temporary file behind", "[persist]") {
  PersistDir dir;
  write_store(dir.path() + "/w.store", "v1", sample_records(3));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename() == "w.store");
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("hash64 separates seeds, lengths and single-bit changes", "[persist]") {
  std::string text(64, 'x');
  std::set<std::uint64_t> seen;
  for (std::size_t len = 0; len <= text.size(); ++len)
    CHECK(seen.insert(persist::hash64(std::string_view(text).substr(0, len))).second);
  for (std::size_t bit = 0; bit < text.size() * 8; ++bit) {
    std::string flipped = text;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    CHECK(seen.insert(persist::hash64(flipped)).second);
  }
  CHECK(persist::hash64(text, 1) != persist::hash64(text, 2));
}

}  // namespace
}  // namespace moonring::test
