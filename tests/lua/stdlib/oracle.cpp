// Runs a dump of _G in the real Lua interpreters: programs through popen, libraries through dlopen.
#include "tests/lua/stdlib/oracle.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace moonring::lua::test {
namespace {

// Prints one line per global: "name type [key:type ...]" (keys for every table but _G).
constexpr const char* kDumpScript = R"lua(
local names = {}
for k in pairs(_G) do if type(k) == "string" then names[#names + 1] = k end end
table.sort(names)
local out = {}
for _, k in ipairs(names) do
  local v = _G[k]
  local line = k .. " " .. type(v)
  if type(v) == "table" and k ~= "_G" and k ~= "arg" then
    local f = {}
    for kk, vv in pairs(v) do
      if type(kk) == "string" then f[#f + 1] = kk .. ":" .. type(vv) end
    end
    table.sort(f)
    line = line .. " " .. table.concat(f, " ")
  end
  out[#out + 1] = line
end
return table.concat(out, "\n")
)lua";

InterpreterGlobals parse_dump(const std::string& text, std::string source) {
  InterpreterGlobals g;
  g.source = std::move(source);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name, type, field;
    if (!(words >> name >> type)) continue;
    g.types[name] = type;
    if (type != "table" || name == "_G" || name == "arg") continue;
    auto& set = g.fields[name];
    while (words >> field) {
      auto colon = field.rfind(':');
      set.insert(field.substr(0, colon));
      g.field_types[name + "." + field.substr(0, colon)] = field.substr(colon + 1);
    }
  }
  g.has_standalone_arg = g.types.count("arg") != 0;
  return g;
}

std::optional<InterpreterGlobals> run_program(const char* program) {
  std::string check = std::string("command -v ") + program + " >/dev/null 2>&1";
  if (std::system(check.c_str()) != 0) return std::nullopt;
  char path[] = "/tmp/moonring-stdlib-oracle-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return std::nullopt;
  close(fd);
  {
    std::ofstream script(path);
    script << "io.write((function() " << kDumpScript << " end)())\n";
  }
  std::string command = std::string(program) + " " + path;
  std::string text;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
    pclose(pipe);
  }
  std::remove(path);
  return parse_dump(text, program);
}

// The few C API entry points the dump needs, looked up by name in the library.
std::optional<InterpreterGlobals> run_library(const char* soname, bool pcallk) {
  void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return std::nullopt;
  using NewState = void* (*)();
  using OpenLibs = void (*)(void*);
  using LoadString = int (*)(void*, const char*);
  using PCall = int (*)(void*, int, int, int);
  using PCallK = int (*)(void*, int, int, int, std::intptr_t, void*);
  using ToLString = const char* (*)(void*, int, std::size_t*);
  using Close = void (*)(void*);
  auto sym = [lib](const char* name) { return dlsym(lib, name); };
  auto new_state = reinterpret_cast<NewState>(sym("luaL_newstate"));
  auto open_libs = reinterpret_cast<OpenLibs>(sym("luaL_openlibs"));
  auto load_string = reinterpret_cast<LoadString>(sym("luaL_loadstring"));
  auto to_string = reinterpret_cast<ToLString>(sym("lua_tolstring"));
  auto close_state = reinterpret_cast<Close>(sym("lua_close"));
  void* call = sym(pcallk ? "lua_pcallk" : "lua_pcall");
  std::optional<InterpreterGlobals> result;
  if (new_state && open_libs && load_string && to_string && close_state && call) {
    void* L = new_state();
    open_libs(L);
    int rc = load_string(L, kDumpScript);
    if (rc == 0) {
      rc = pcallk ? reinterpret_cast<PCallK>(call)(L, 0, 1, 0, 0, nullptr)
                  : reinterpret_cast<PCall>(call)(L, 0, 1, 0);
    }
    std::size_t len = 0;
    const char* s = to_string(L, -1, &len);
    std::string text = s ? std::string(s, len) : std::string();
    close_state(L);
    if (rc == 0) result = parse_dump(text, soname);
  }
  dlclose(lib);
  return result;
}

}  // namespace

std::optional<InterpreterGlobals> interpreter_globals(LuaVersion version) {
  switch (version) {
    case LuaVersion::Lua51:
      return run_program("lua5.1");
    case LuaVersion::Lua52:
      return run_program("lua5.2");
    case LuaVersion::Lua53:
      return run_library("liblua5.3.so.0", true);
    case LuaVersion::Lua54:
      return run_program("lua5.4");
    case LuaVersion::LuaJIT:
      return run_library("libluajit-5.1.so.2", false);
  }
  return std::nullopt;
}

}  // namespace moonring::lua::test
