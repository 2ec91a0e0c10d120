// OutputFile: what is read back is exactly what was written, for sizes around its buffer and its
// direct-write blocks, on the build tree's file system (direct writes where it takes them) and on
// tmpfs (/dev/shm: direct writes refused or emulated), and a failure is an error, never a short
// file reported as written.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "app/index/output_file.hpp"
#include "tests/file_text.hpp"
#include "tests/skip.hpp"

namespace {

// Pieces of the sizes a writer appends (documents, 1 MB chunks), adding up to `total`.
std::string write_in_pieces(moonring::app::OutputFile& out, std::size_t total, unsigned seed) {
  std::mt19937 random(seed);
  std::string all;
  while (all.size() < total) {
    std::size_t n = std::min<std::size_t>(total - all.size(),
                                          random() % 3 == 0 ? (1u << 20) + 17 : random() % 9000);
    std::string piece(n, '\0');
    for (char& c : piece) c = static_cast<char>(random());
    REQUIRE(out.write(piece));
    all += piece;
  }
  return all;
}

void round_trip(const std::string& dir) {
  const std::vector<std::size_t> sizes{
      0,        1,        4095,           4096,      4097, 1u << 20, (4u << 20) - 1,
      4u << 20, 4u << 20, (4u << 20) + 1, 11'111'111};
  unsigned seed = 1;
  for (std::size_t size : sizes) {
    const std::string path = dir + "/moonring-output-file-test-" + std::to_string(getpid());
    moonring::app::OutputFile out;
    REQUIRE(out.open(path));
    const std::string written = write_in_pieces(out, size, seed++);
    REQUIRE(out.close());
    CHECK(out.bytes() == size);
    const std::string read = moonring::test::file_text(path);
    std::remove(path.c_str());
    INFO("size " << size << " in " << dir << (out.direct() ? " (direct)" : ""));
    CHECK(read.size() == written.size());
    CHECK(read == written);
  }
}

}  // namespace

TEST_CASE("output file: the bytes read back are the bytes written", "[output_file]") {
  round_trip(".");  // the build tree (ext4 here and in CI: direct writes)
  if (access("/dev/shm", W_OK) == 0) round_trip("/dev/shm");
}

TEST_CASE("output file: a file that cannot be created is an error", "[output_file]") {
  moonring::app::OutputFile out;
  CHECK_FALSE(out.open("/nonexistent-dir/x.scip"));
  CHECK(out.error().find("/nonexistent-dir/x.scip") != std::string::npos);
  CHECK_FALSE(out.close());
}

TEST_CASE("output file: a write the device refuses is an error at close", "[output_file]") {
  if (access("/dev/full", W_OK) != 0) return moonring::test::skip_because("no writable /dev/full");
  moonring::app::OutputFile out;
  REQUIRE(out.open("/dev/full"));
  std::string data(5u << 20, 'x');  // more than the buffer: a write reaches the device
  CHECK_FALSE(out.write(data));
  CHECK_FALSE(out.close());
  CHECK(out.error().find("/dev/full") != std::string::npos);
}

TEST_CASE("output file: through a pipe, a reader with a small buffer gets every byte",
          "[output_file]") {
  // `-o /dev/stdout | consumer`: O_DIRECT would make the pipe a packet pipe, whose reads drop
  // what does not fit their buffer. The writer runs on its own thread (the pipe fills up); its
  // outcome is checked here, after it has joined.
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const std::string path = "/proc/self/fd/" + std::to_string(fds[1]);
  std::string written;
  bool opened = false, wrote = false, closed = false;
  std::thread writer([&] {
    moonring::app::OutputFile out;
    opened = out.open(path);
    if (opened) {
      std::string data(6u << 20, '\0');
      for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + i / 4096);
      wrote = out.write(data);
      closed = out.close();
      written = std::move(data);
    }
    ::close(fds[1]);
  });
  std::string read;
  char buffer[1000];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) read.append(buffer, n);
  writer.join();
  ::close(fds[0]);
  CHECK(opened);
  CHECK(wrote);
  CHECK(closed);
  CHECK(read.size() == written.size());
  CHECK(read == written);
}
