// lua_syntax_tool: parses Lua files and prints each file's first error the way `luac -p` does
// ("file:line: message"), or, with --bench N, times lexing+parsing of all files (best and median
// of N rounds) and reports tree memory against source size.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "lang/lua/syntax/parser.hpp"
#include "tests/file_text.hpp"

int main(int argc, char** argv) {
  using namespace moonring::lua;
  LuaVersion version = LuaVersion::Lua54;
  int bench = 0;
  bool all = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--version" && i + 1 < argc) {
      auto v = parse_lua_version(argv[++i]);
      if (!v) {
        std::cerr << "unknown Lua version " << argv[i] << "\n";
        return 2;
      }
      version = *v;
    } else if (a == "--bench" && i + 1 < argc) {
      bench = std::atoi(argv[++i]);
    } else if (a == "--all") {
      all = true;  // every error, not only the first
    } else if (a == "-") {
      std::string line;
      while (std::getline(std::cin, line)) files.push_back(line);
    } else {
      files.push_back(a);
    }
  }
  std::vector<std::string> sources;
  sources.reserve(files.size());
  std::size_t bytes = 0;
  for (const auto& f : files) {
    sources.push_back(moonring::test::file_text(f));
    bytes += sources.back().size();
  }
  if (bench > 0) {
    std::vector<double> times, cpu_times;
    std::size_t nodes = 0;
    std::size_t memory = 0, max_ratio_file = 0;
    double max_ratio = 0;
    for (int round = 0; round < bench; ++round) {
      auto t0 = std::chrono::steady_clock::now();
      std::clock_t c0 = std::clock();
      nodes = 0;
      std::size_t mem = 0;
      for (std::size_t i = 0; i < sources.size(); ++i) {
        ParseResult r = parse(sources[i], version);
        mem += r.tree.memory_bytes();
        nodes += r.tree.node_count();
        if (round == 0 && !sources[i].empty()) {
          double ratio = static_cast<double>(r.tree.memory_bytes()) / sources[i].size();
          if (ratio > max_ratio) max_ratio = ratio, max_ratio_file = i;
        }
      }
      auto t1 = std::chrono::steady_clock::now();
      times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      cpu_times.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
      memory = mem;
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu_times.begin(), cpu_times.end());
    std::printf(
        "bench lua_syntax: files=%zu bytes=%zu nodes=%zu wall_ms_median=%.1f cpu_ms_best=%.1f "
        "cpu_ms_median=%.1f mb_per_cpu_s=%.0f tree_bytes_per_source_byte=%.2f max_ratio=%.2f "
        "(%s)\n",
        files.size(), bytes, nodes, times[times.size() / 2], cpu_times.front(),
        cpu_times[cpu_times.size() / 2], bytes / 1e6 / (cpu_times[cpu_times.size() / 2] / 1e3),
        static_cast<double>(memory) / static_cast<double>(bytes), max_ratio,
        files.empty() ? "" : files[max_ratio_file].c_str());
    return 0;
  }
  int status = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    ParseResult r = parse(sources[i], version);
    if (r.ok()) continue;
    status = 1;
    for (const auto& e : r.errors) {
      std::printf("%s:%u: %s\n", files[i].c_str(), e.line, e.message.c_str());
      if (!all) break;
    }
  }
  return status;
}
