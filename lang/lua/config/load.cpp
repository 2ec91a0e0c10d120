// Discovery and the merge of the three layers (see config.hpp for the merge rules).
#include "lang/lua/config/load.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "lang/lua/config/luacheckrc.hpp"
#include "lang/lua/config/luarc.hpp"

namespace moonring::lua::config {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string parent_of(const std::string& dir) {
  auto slash = dir.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return dir.size() > 1 ? "/" : "";
  return dir.substr(0, slash);
}

std::string join(const std::string& dir, const char* name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

ConfigFiles find_config_files(const std::string& root) {
  ConfigFiles files;
  for (const char* name : {".luarc.json", ".luarc.jsonc"}) {
    if (is_file(join(root, name))) {
      files.luarc = join(root, name);
      break;
    }
  }
  char resolved[PATH_MAX];
  std::string dir = ::realpath(root.c_str(), resolved) != nullptr ? resolved : root;
  while (!dir.empty()) {
    if (is_file(join(dir, ".luacheckrc"))) {
      files.luacheckrc = join(dir, ".luacheckrc");
      break;
    }
    if (dir == "/") break;
    dir = parent_of(dir);
  }
  return files;
}

Result<std::string> read_text_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "open " + path);
  std::string text;
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return errno_error(err, "read " + path);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

Result<Config> load_config(const std::string& root, const Settings& command_line,
                           const SandboxLimits& limits) {
  Config config;
  ConfigFiles files = find_config_files(root);
  if (files.luacheckrc) {
    auto text = read_text_file(*files.luacheckrc);
    if (!text) return text.take_error();
    auto settings = read_luacheckrc(*text, *files.luacheckrc, limits);
    if (!settings) return settings.take_error();
    apply(config, *settings, *files.luacheckrc);
  }
  if (files.luarc) {
    auto text = read_text_file(*files.luarc);
    if (!text) return text.take_error();
    auto settings = read_luarc(*text, *files.luarc, root);
    if (!settings) return settings.take_error();
    apply(config, *settings, *files.luarc);
  }
  apply(config, command_line, "command line");
  return config;
}

}  // namespace moonring::lua::config
