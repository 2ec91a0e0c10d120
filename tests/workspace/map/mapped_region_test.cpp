// MappedRegion: the three modes, empty files, madvise hints, prefault, and the plain read.
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/file_text.hpp"
#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/mapped_region.hpp"

using namespace moonring;

namespace {
using moonring::test::file_text;
std::string_view view(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
}  // namespace

TEST_CASE("a read-only region shows the file's bytes and cannot be written through") {
  test::TempDir dir;
  std::string content = test::lua_text(3 * 4096 + 17, 1);
  auto path = dir.write("a.lua", content);
  auto region = MappedRegion::map(path, MapMode::read_only);
  REQUIRE(region.ok());
  CHECK(region->size() == content.size());
  CHECK(view(region->bytes()) == content);
  CHECK(region->writable_bytes().empty());
  CHECK_FALSE(region->truncated());
}

TEST_CASE("a read-write region writes through to the file") {
  test::TempDir dir;
  auto path = dir.write("rw.lua", "local x = 1\n");
  {
    auto region = MappedRegion::map(path, MapMode::read_write);
    REQUIRE(region.ok());
    auto w = region->writable_bytes();
    REQUIRE(w.size() == 12);
    w[6] = std::byte{'y'};
    auto synced = region->sync();
    REQUIRE(synced.ok());
  }
  CHECK(file_text(path) == "local y = 1\n");
}

TEST_CASE("a copy-on-write region keeps its writes to itself") {
  test::TempDir dir;
  auto path = dir.write("cow.lua", "local x = 1\n");
  auto region = MappedRegion::map(path, MapMode::copy_on_write);
  REQUIRE(region.ok());
  region->writable_bytes()[6] = std::byte{'z'};
  CHECK(view(region->bytes()) == "local z = 1\n");
  auto other = MappedRegion::map(path, MapMode::read_only);
  REQUIRE(other.ok());
  CHECK(view(other->bytes()) == "local x = 1\n");
  region = MappedRegion();
  CHECK(file_text(path) == "local x = 1\n");
}

TEST_CASE("an empty file maps to an empty view in every mode") {
  test::TempDir dir;
  auto path = dir.write("empty.lua", "");
  for (auto mode : {MapMode::read_only, MapMode::read_write, MapMode::copy_on_write}) {
    auto region = MappedRegion::map(path, mode);
    REQUIRE(region.ok());
    CHECK(region->empty());
    CHECK(region->bytes().empty());
    CHECK(region->advise(Advice::will_need).ok());
    CHECK(region->prefault().ok());
    CHECK(region->sync().ok());
  }
  auto read = read_file(path);
  REQUIRE(read.ok());
  CHECK(read->size == 0);
}

TEST_CASE("madvise hints are accepted and leave the content alone") {
  test::TempDir dir;
  std::string content = test::lua_text(64 * 1024, 2);
  auto path = dir.write("hints.lua", content);
  auto region = MappedRegion::map(path);
  REQUIRE(region.ok());
  for (auto advice :
       {Advice::sequential, Advice::random, Advice::will_need, Advice::normal, Advice::dont_need}) {
    auto r = region->advise(advice);
    INFO(static_cast<int>(advice));
    REQUIRE(r.ok());
    CHECK(view(region->bytes()) == content);  // dont_need on a shared file mapping re-reads
  }
}

TEST_CASE("prefault brings every page in, whole or by parts") {
  test::TempDir dir;
  std::string content = test::lua_text(40 * 4096 + 5, 3);
  auto path = dir.write("pf.lua", content);
  auto region = MappedRegion::map(path);
  REQUIRE(region.ok());
  REQUIRE(region->prefault(0, 10 * 4096).ok());
  REQUIRE(region->prefault(10 * 4096 + 100, 7).ok());  // unaligned start
  REQUIRE(region->prefault(20 * 4096).ok());
  REQUIRE(region->prefault(content.size() + 10).ok());  // past the end: nothing to do
  // mincore says which pages are resident: all of them now.
  std::size_t pages = (content.size() + 4095) / 4096;
  std::vector<unsigned char> resident(pages);
  REQUIRE(mincore(const_cast<std::byte*>(region->bytes().data()), content.size(),
                  resident.data()) == 0);
  for (std::size_t i = 0; i < pages; ++i) CHECK((resident[i] & 1) == 1);
  CHECK(view(region->bytes()) == content);
}

TEST_CASE("touch_prefault maps the pages, so that reading them no longer faults") {
  test::TempDir dir;
  std::string content = test::lua_text(300 * 4096 + 77, 4);
  auto path = dir.write("touch.lua", content);
  auto region = MappedRegion::map(path);
  REQUIRE(region.ok());
  // A stride of one page touches every page itself, whatever the kernel's fault-around.
  region->touch_prefault(4096);
  auto faults = [] {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_minflt + u.ru_majflt;
  };
  long before = faults();
  unsigned sum = 0;
  const auto* bytes = reinterpret_cast<const volatile unsigned char*>(region->bytes().data());
  for (std::size_t i = 0; i < content.size(); i += 4096) sum += bytes[i];
  long after = faults();
  CHECK(sum > 0);
  CHECK(after - before < 10);  // 301 pages read; a few faults may come from elsewhere
  // The default stride (one fault per 64 KB, the kernel mapping the pages around it) and a
  // stride below a page leave the content as it is.
  region->touch_prefault();
  region->touch_prefault(1);
  CHECK(view(region->bytes()) == content);
}

TEST_CASE("touch_prefault of a file truncated after mapping reads zeros, does not crash") {
  test::TempDir dir;
  std::string content = test::lua_text(64 * 4096, 5);
  auto path = dir.write("gone.lua", content);
  auto region = MappedRegion::map(path);
  REQUIRE(region.ok());
  REQUIRE(::truncate(path.c_str(), 4096) == 0);
  region->touch_prefault(4096);
  CHECK(region->truncated());
  CHECK(view(region->bytes()).substr(0, 4096) == content.substr(0, 4096));
}

TEST_CASE("moving a region moves the mapping; the moved-from region is empty") {
  test::TempDir dir;
  auto path = dir.write("m.lua", "return 1\n");
  auto a = MappedRegion::map(path);
  REQUIRE(a.ok());
  MappedRegion b = std::move(*a);
  CHECK(a->empty());  // NOLINT: moved-from state is specified
  CHECK(view(b.bytes()) == "return 1\n");
  MappedRegion c;
  c = std::move(b);
  CHECK(view(c.bytes()) == "return 1\n");
}

TEST_CASE("read_file copies a small file, and follows a file larger than its stat said") {
  test::TempDir dir;
  std::string content = test::lua_text(10000, 4);
  auto path = dir.write("small.lua", content);
  auto read = read_file(path);
  REQUIRE(read.ok());
  CHECK(view(read->bytes()) == content);
  auto opened = open_regular(path);
  REQUIRE(opened.ok());
  auto under = read_fd(opened->fd, 100, path);  // told 100 bytes: it grows its buffer
  ::close(opened->fd);
  REQUIRE(under.ok());
  CHECK(view(under->bytes()) == content);
}
