// Error paths: a missing file, a directory, a file the user may not read. Each error names the
// operation and the path.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/workspace/map/map_test_support.hpp"
#include "workspace/map/loader.hpp"

using namespace moonring;

TEST_CASE("a missing file fails with its path everywhere") {
  test::TempDir dir;
  std::string path = dir.path() + "/missing.lua";
  auto region = MappedRegion::map(path);
  REQUIRE_FALSE(region.ok());
  CHECK(region.error().message() == "open " + path + ": No such file or directory");
  auto read = read_file(path);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == std::errc::no_such_file_or_directory);
  Loader loader;
  auto f = loader.load(path, 100);  // a known size takes the path without stat
  REQUIRE_FALSE(f.wait().ok());
  CHECK(f.wait().error().message() == "open " + path + ": No such file or directory");
}

TEST_CASE("a directory is not a file") {
  test::TempDir dir;
  auto region = MappedRegion::map(dir.path());
  REQUIRE_FALSE(region.ok());
  CHECK(region.error().message() == "open " + dir.path() + ": Is a directory");
  auto read = read_file(dir.path());
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message() == "open " + dir.path() + ": Is a directory");
  Loader loader;
  auto unknown = loader.load(dir.path());
  auto known = loader.load(dir.path(), 4096);  // discovery said a size: read() says no
  REQUIRE_FALSE(unknown.wait().ok());
  REQUIRE_FALSE(known.wait().ok());
  CHECK(unknown.wait().error().message() == "open " + dir.path() + ": Is a directory");
  CHECK(known.wait().error().message() == "read " + dir.path() + ": Is a directory");
}

TEST_CASE("a file the user may not read fails with Permission denied") {
  test::TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  auto path = dir.write("secret.lua", "return 'secret'\n");
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  // Root reads everything: the check runs in a child that drops to nobody first.
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(2);
    std::string out;
    auto region = MappedRegion::map(path);
    out += region.ok() ? "mapped" : region.error().message();
    out += "\n";
    auto read = read_file(path);
    out += read.ok() ? "read" : read.error().message();
    out += "\n";
    {
      Loader loader(LoaderConfig{.threads = 1});
      auto f = loader.load(path);
      out += f.wait().ok() ? "loaded" : f.wait().error().message();
    }
    if (::write(fds[1], out.data(), out.size()) != static_cast<ssize_t>(out.size())) _exit(3);
    _exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    got.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::string denied = "open " + path + ": Permission denied";
  CHECK(got == denied + "\n" + denied + "\n" + denied);
}
