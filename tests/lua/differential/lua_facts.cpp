// lua_facts: what moonring finds in Lua files, one JSON line per file, for the differential tests.
//
//   lua_facts [--lua 5.1|5.2|5.3|5.4|luajit] [--verdict-only] [FILE...]
//
// Without FILE arguments, reads paths from stdin, one per line; a line "5.1<TAB>path" sets the
// version for that file. Each output line:
//   {"file": ..., "ok": bool, "line": N, "message": "...", "globals": [["get"|"set", name, line]],
//    "unused": [[code, name, line]]}
// `line`/`message` are the first error's (0/"" when ok); globals and unused are left out with
// --verdict-only. Strings are escaped byte by byte (bytes >= 0x80 as \u00XX, i.e. Latin-1), the
// way the Python driver reads the files. Output is flushed per line so one process serves a batch.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/check/check.hpp"

namespace {

using namespace moonring::lua;

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return std::move(buf).str();
}

// Only the unused-variable rules: the differential tests compare them with luacheck's.
CheckOptions unused_only() {
  CheckOptions options;
  for (std::size_t i = 0; i < kDiagnosticCodeCount; ++i)
    options.policy.disable(static_cast<DiagnosticCode>(i));
  options.policy.enabled[static_cast<std::size_t>(DiagnosticCode::UnusedLocal)] = true;
  options.policy.enabled[static_cast<std::size_t>(DiagnosticCode::UnusedArg)] = true;
  options.policy.enabled[static_cast<std::size_t>(DiagnosticCode::UnusedLoopVar)] = true;
  return options;
}

std::string facts(const std::string& path, std::string_view source, LuaVersion version,
                  bool verdict_only) {
  FileAnalysis file = analyze(source, version);
  const Tree& tree = file.parsed.tree;
  std::string out = "{\"file\":";
  json_string(out, path);
  if (file.parsed.ok()) {
    out += ",\"ok\":true,\"line\":0,\"message\":\"\"";
  } else {
    const SyntaxError& first = file.parsed.errors.front();
    out += ",\"ok\":false,\"line\":" + std::to_string(first.line) + ",\"message\":";
    json_string(out, first.message);
  }
  if (!verdict_only) {
    out += ",\"globals\":[";
    bool comma = false;
    for (const GlobalAccess& g : file.binding.globals) {
      if (comma) out += ',';
      comma = true;
      out += g.kind == AccessKind::Get ? "[\"get\"," : "[\"set\",";
      json_string(out, global_name(tree, g));
      out += ',' + std::to_string(tree.position(g.range.start).line) + ']';
    }
    out += "],\"unused\":[";
    comma = false;
    static const CheckOptions options = unused_only();
    for (const Diagnostic& d : check(file, options)) {
      if (comma) out += ',';
      comma = true;
      out += '[';
      json_string(out, code_name(d.code));
      out += ',';
      json_string(out, source.substr(d.range.start, d.range.end - d.range.start));
      out += ',' + std::to_string(d.start.line) + ']';
    }
    out += ']';
  }
  out += '}';
  return out;
}

int usage() {
  std::cerr << "usage: lua_facts [--lua VERSION] [--verdict-only] [FILE...] (paths on stdin "
               "without FILE; a line may be VERSION<TAB>PATH)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  LuaVersion version = LuaVersion::Lua54;
  bool verdict_only = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--lua" && i + 1 < argc) {
      auto v = parse_lua_version(argv[++i]);
      if (!v) return usage();
      version = *v;
    } else if (arg == "--verdict-only") {
      verdict_only = true;
    } else if (arg.starts_with("--")) {
      return usage();
    } else {
      files.emplace_back(arg);
    }
  }

  int status = 0;
  auto run = [&](const std::string& path, LuaVersion v) {
    std::optional<std::string> source = read_file(path);
    if (!source) {
      std::cerr << "lua_facts: cannot read " << path << "\n";
      status = 1;
      return;
    }
    std::cout << facts(path, *source, v, verdict_only) << std::endl;
  };

  if (!files.empty()) {
    for (const std::string& f : files) run(f, version);
    return status;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    LuaVersion v = version;
    if (auto tab = line.find('\t'); tab != std::string::npos) {
      auto parsed = parse_lua_version(std::string_view(line).substr(0, tab));
      if (!parsed) {
        std::cerr << "lua_facts: unknown version in " << line << "\n";
        status = 1;
        continue;
      }
      v = *parsed;
      line.erase(0, tab + 1);
    }
    run(line, v);
  }
  return status;
}
