// Lua's DebugBackend (see backend.hpp).
#include "lang/lua/debug/backend.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace moonring::lua::debug {
namespace {

Result<std::string> own_executable() {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n < 0) return errno_error(errno, "readlink /proc/self/exe");
  return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace

Result<service::DebugCommand> LuaDebugBackend::launch_command(
    const service::DebugLaunch& launch) const {
  std::string program = launch.program;
  if (!program.empty() && program[0] != '/' && !launch.cwd.empty())
    program = launch.cwd + (launch.cwd.back() == '/' ? "" : "/") + program;
  struct stat st {};
  if (::stat(program.c_str(), &st) != 0) return errno_error(errno, "program '" + program + "'");
  if (!S_ISREG(st.st_mode)) return errno_error(EISDIR, "program '" + program + "'");
  if (::access(program.c_str(), R_OK) != 0) return errno_error(errno, "program '" + program + "'");
  auto self = own_executable();
  if (!self) return self.take_error();
  service::DebugCommand command;
  command.argv = {*self, "run", "--debug-connect=" + launch.agent_address,
                  "--token=" + launch.token};
  if (launch.stop_on_entry) command.argv.emplace_back("--stop-on-entry");
  command.argv.emplace_back("--");
  command.argv.push_back(std::move(program));
  command.argv.insert(command.argv.end(), launch.args.begin(), launch.args.end());
  return command;
}

std::vector<service::ExceptionFilter> LuaDebugBackend::exception_filters() const {
  return {
      {"all", "All errors", "Stop where any error is raised, caught by pcall or not.", false},
      {"uncaught", "Uncaught errors", "Stop where an error is raised that nothing catches.", true},
  };
}

std::string LuaDebugBackend::token_file(int pid) const {
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  std::string dir;
  if (runtime_dir && runtime_dir[0] == '/') {
    dir = std::string(runtime_dir) + "/moonring";
  } else {
    const char* home = std::getenv("HOME");
    dir = std::string(home ? home : "") + "/.cache/moonring";
  }
  return dir + "/" + std::to_string(pid) + ".token";
}

}  // namespace moonring::lua::debug
