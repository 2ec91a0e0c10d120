// The loader's batched small-file reads: the io_uring batch (when the backend allows it), the
// plain fallback, parent-directory descriptors, and the loader's use of them across batches.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/batch_reader.hpp"
#include "workspace/map/loader.hpp"
#include "workspace/map/parent_dirs.hpp"

using namespace moonring;

namespace {

bool asio_backend() {
  const char* env = std::getenv("MOONRING_BACKEND");
  return env != nullptr && std::string_view(env) == "asio";
}

std::string text_of(const OwnedBytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data.get()), b.size);
}

// The reader as the loader makes it, then one that makes plain calls whatever the backend.
std::vector<std::unique_ptr<BatchReader>> both_readers() {
  std::vector<std::unique_ptr<BatchReader>> readers;
  readers.push_back(BatchReader::create());
  readers.push_back(BatchReader::create_plain());
  return readers;
}

}  // namespace

TEST_CASE("MOONRING_BACKEND=asio means no io_uring in the loader either") {
  auto reader = BatchReader::create();
  if (asio_backend()) CHECK_FALSE(reader->uses_io_uring());
  CHECK_FALSE(BatchReader::create_plain()->uses_io_uring());
}

TEST_CASE("batches of small files read every byte, batch after batch, both ways") {
  test::TempDir dir;
  std::vector<std::string> paths, contents;
  const std::size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 200000};
  for (std::size_t i = 0; i < 3 * BatchReader::kMaxFiles; ++i) {
    contents.push_back(test::lua_text(sizes[i % std::size(sizes)], static_cast<unsigned>(i)));
    paths.push_back(dir.write("f" + std::to_string(i) + ".lua", contents.back()));
  }
  for (auto& reader : both_readers()) {
    for (std::size_t begin = 0; begin < paths.size(); begin += BatchReader::kMaxFiles) {
      std::vector<SmallFile> files(BatchReader::kMaxFiles);
      for (std::size_t i = 0; i < files.size(); ++i) {
        files[i].name = paths[begin + i].c_str();
        files[i].expected = contents[begin + i].size();
      }
      reader->read(files);
      for (std::size_t i = 0; i < files.size(); ++i) {
        INFO(paths[begin + i] << (reader->uses_io_uring() ? " (io_uring)" : " (plain)"));
        REQUIRE(files[i].done);
        CHECK(text_of(files[i].bytes) == contents[begin + i]);
      }
    }
  }
}

TEST_CASE("files that cannot be read or changed size are left to the caller") {
  test::TempDir dir;
  auto good = dir.write("good.lua", "return 1\n");
  auto grown = dir.write("grown.lua", test::lua_text(5000, 1));
  auto shrunk = dir.write("shrunk.lua", test::lua_text(100, 2));
  std::string missing = dir.path() + "/missing.lua";
  std::filesystem::create_directory(dir.path() + "/sub");
  std::string folder = dir.path() + "/sub";
  auto good2 = dir.write("good2.lua", "return 2\n");
  const std::string* paths[] = {&good, &grown, &shrunk, &missing, &folder, &good2};
  const std::size_t expected[] = {9, 4000, 200, 10, 4096, 9};
  for (auto& reader : both_readers()) {
    std::vector<SmallFile> files(std::size(paths));
    for (std::size_t i = 0; i < files.size(); ++i) files[i].expected = expected[i];
    ParentDirs dirs;
    dirs.resolve(paths, files);
    reader->read(files);
    INFO((reader->uses_io_uring() ? "io_uring" : "plain"));
    CHECK(files[0].done);
    CHECK(text_of(files[0].bytes) == "return 1\n");
    for (std::size_t i = 1; i < 5; ++i) {
      INFO(*paths[i]);
      CHECK_FALSE(files[i].done);
      CHECK(files[i].bytes.size == 0);
    }
    CHECK(files[5].done);
    CHECK(text_of(files[5].bytes) == "return 2\n");
  }
}

TEST_CASE("paths that share a parent are opened relative to it") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/a");
  std::filesystem::create_directories(dir.path() + "/b");
  std::vector<std::string> owned{
      dir.path() + "/a/1.lua", dir.path() + "/a/2.lua",       dir.path() + "/b/3.lua",
      dir.path() + "/a/4.lua", dir.path() + "/nowhere/5.lua", dir.path() + "/nowhere/6.lua",
      "relative.lua"};
  std::vector<const std::string*> paths;
  for (auto& p : owned) paths.push_back(&p);
  std::vector<SmallFile> files(paths.size());
  ParentDirs dirs;
  dirs.resolve(paths, files);
  // a/1 and a/2 share an open descriptor of a/ and give their last component only.
  CHECK(files[0].dir_fd >= 0);
  CHECK(files[1].dir_fd == files[0].dir_fd);
  CHECK(std::string_view(files[0].name) == "1.lua");
  CHECK(std::string_view(files[1].name) == "2.lua");
  struct stat by_fd {
  }, by_path{};
  REQUIRE(::fstat(files[0].dir_fd, &by_fd) == 0);
  REQUIRE(::stat((dir.path() + "/a").c_str(), &by_path) == 0);
  CHECK(by_fd.st_ino == by_path.st_ino);
  // Alone in their run (b/3, a/4), under a missing folder, or without a folder: the whole path.
  for (std::size_t i = 2; i < files.size(); ++i) {
    INFO(owned[i]);
    CHECK(files[i].dir_fd == AT_FDCWD);
    CHECK(files[i].name == owned[i].c_str());
  }
  dirs.close_all();
  CHECK(::fcntl(files[0].dir_fd, F_GETFD) == -1);
}

TEST_CASE("the loader reads many small files in batches, errors and changes included") {
  test::TempDir dir;
  std::vector<LoadRequest> requests;
  std::vector<std::string> contents;
  for (int d = 0; d < 3; ++d) {
    std::filesystem::create_directories(dir.path() + "/d" + std::to_string(d));
    for (int i = 0; i < 90; ++i) {
      std::string name = "d" + std::to_string(d) + "/f" + std::to_string(i) + ".lua";
      contents.push_back(test::lua_text(static_cast<std::size_t>(100 + i * 37), d * 100 + i));
      requests.push_back({dir.write(name, contents.back()), contents.back().size()});
    }
  }
  // Discovery's sizes gone stale: one file grew, one shrank, one vanished.
  requests[10].size -= 50;
  requests[100].size += 50;
  std::filesystem::remove(requests[200].path);
  Loader loader;
  auto files = loader.load_many(requests);
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(requests[i].path);
    const auto& r = files[i].wait();
    if (i == 200) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message() == "open " + requests[i].path + ": No such file or directory");
      continue;
    }
    REQUIRE(r.ok());
    CHECK(r->text() == contents[i]);
    CHECK(r->leased_bytes() >= r->size());
  }
  files.clear();
  CHECK(test::settled_bytes(loader) == 0);
}
