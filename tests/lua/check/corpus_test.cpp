// The checker on a real corpus (nmap's NSE library and scripts): no crash, every range inside its
// file, and (hidden, for Release trees) the time of bind + check, the two phases timed apart.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/stdlib/stdlib.hpp"
#include "tests/lua/check/check_support.hpp"
#include "tests/skip.hpp"

using namespace moonring::lua;
namespace fs = std::filesystem;

namespace {

struct SourceFile {
  std::string path;
  std::string text;
};

std::vector<SourceFile> corpus(const fs::path& root) {
  std::vector<SourceFile> files;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    auto ext = it->path().extension();
    if (!it->is_regular_file() || (ext != ".lua" && ext != ".nse")) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files.push_back({it->path().string(), text.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

std::vector<SourceFile> nse_corpus() {
  return corpus("/usr/share/nmap");
}

// Every diagnostic of `file` lies inside it.
void check_ranges(const std::string& path, const std::string& text, const CheckOptions& options) {
  FileAnalysis a = analyze(text, LuaVersion::Lua54);
  for (const Diagnostic& d : check(a, options)) {
    INFO(path);
    REQUIRE(d.range.start <= d.range.end);
    REQUIRE(d.range.end <= text.size());
  }
}

bool known_54(std::string_view name) {
  return stdlib::is_global(LuaVersion::Lua54, name);
}

}  // namespace

TEST_CASE("corpus: every NSE file is checked, every range inside its file", "[check][corpus]") {
  auto files = nse_corpus();
  if (files.empty()) {
    return moonring::test::missing_tool("the NSE corpus /usr/share/nmap (Debian: nmap-common)");
  }
  std::vector<FileAnalysis> analyses;
  analyses.reserve(files.size());
  GlobalSet assigned;
  for (const SourceFile& f : files) {
    analyses.push_back(analyze(f.text, LuaVersion::Lua54));
    add_assigned_globals(analyses.back(), assigned);
  }
  CheckOptions options;
  options.is_known_global = known_54;
  options.assigned_globals = &assigned;
  std::array<std::size_t, kDiagnosticCodeCount> counts{};
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(files[i].path);
    for (const Diagnostic& d : check(analyses[i], options)) {
      ++counts[static_cast<std::size_t>(d.code)];
      REQUIRE(d.range.start <= d.range.end);
      REQUIRE(d.range.end <= files[i].text.size());
    }
  }
  std::string summary;
  for (std::size_t c = 0; c < kDiagnosticCodeCount; ++c)
    summary += std::string(code_name(static_cast<DiagnosticCode>(c))) + "=" +
               std::to_string(counts[c]) + " ";
  std::printf("corpus: %zu files: %s\n", files.size(), summary.c_str());
  // The corpus is real, released code: luac accepts every file as 5.4 or 5.1.
  CHECK(counts[static_cast<std::size_t>(DiagnosticCode::GotoError)] == 0);
}

TEST_CASE("corpus: prosody and /usr/share/lua, and truncated NSE files (error recovery)",
          "[check][corpus]") {
  CheckOptions options;
  options.is_known_global = known_54;
  std::size_t checked = 0;
  for (const char* root : {"/usr/lib/prosody", "/usr/share/lua"}) {
    for (const SourceFile& f : corpus(root)) {
      check_ranges(f.path, f.text, options);
      ++checked;
    }
  }
  // Cut each NSE file at a third and at two thirds, and drop a byte in the middle: the trees of
  // broken files go through the binder and every rule.
  for (const SourceFile& f : nse_corpus()) {
    std::size_t n = f.text.size();
    check_ranges(f.path + " (cut at 1/3)", f.text.substr(0, n / 3), options);
    check_ranges(f.path + " (cut at 2/3)", f.text.substr(0, 2 * n / 3), options);
    if (n > 2)
      check_ranges(f.path + " (byte dropped)", f.text.substr(0, n / 2) + f.text.substr(n / 2 + 1),
                   options);
    checked += 3;
  }
  if (checked == 0)
    return moonring::test::missing_tool("the corpus (Debian: nmap-common, prosody, lua modules)");
}

TEST_CASE("corpus timing: bind + check of the NSE corpus", "[.bench]") {
  auto files = nse_corpus();
  REQUIRE(!files.empty());
  std::size_t bytes = 0;
  std::vector<ParseResult> parsed;
  for (const SourceFile& f : files) {
    bytes += f.text.size();
    parsed.push_back(parse(f.text, LuaVersion::Lua54));
  }
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::vector<double> bind_ms, check_ms;
  for (int run = 0; run < 7; ++run) {
    auto t0 = Clock::now();
    std::vector<FileAnalysis> analyses;
    analyses.reserve(files.size());
    GlobalSet assigned;
    for (ParseResult& p : parsed) {
      FileAnalysis a{std::move(p), {}};
      a.binding = bind(a.parsed.tree);
      add_assigned_globals(a, assigned);
      analyses.push_back(std::move(a));
    }
    auto t1 = Clock::now();
    CheckOptions options;
    options.is_known_global = known_54;
    options.assigned_globals = &assigned;
    std::size_t diagnostics = 0;
    for (const FileAnalysis& a : analyses) diagnostics += check(a, options).size();
    auto t2 = Clock::now();
    bind_ms.push_back(ms(t1 - t0));
    check_ms.push_back(ms(t2 - t1));
    for (std::size_t i = 0; i < analyses.size(); ++i) parsed[i] = std::move(analyses[i].parsed);
    if (run == 0)
      std::printf("corpus: %zu files, %zu bytes, %zu diagnostics\n", files.size(), bytes,
                  diagnostics);
  }
  std::sort(bind_ms.begin(), bind_ms.end());
  std::sort(check_ms.begin(), check_ms.end());
  std::printf(
      "bench lua_check_corpus: files=%zu mb=%.2f bind_merge_ms=%.2f check_ms=%.2f total_ms=%.2f\n",
      files.size(), static_cast<double>(bytes) / 1e6, bind_ms[3], check_ms[3],
      bind_ms[3] + check_ms[3]);
}

// Prints every diagnostic of the corpus as `path:line:col: code: message`, for comparing with
// other tools (luacheck) by script: lua_check_test "[.dump]".
TEST_CASE("corpus dump: every diagnostic of the NSE corpus", "[.dump]") {
  auto files = nse_corpus();
  REQUIRE(!files.empty());
  std::vector<FileAnalysis> analyses;
  GlobalSet assigned;
  for (const SourceFile& f : files) {
    analyses.push_back(analyze(f.text, LuaVersion::Lua54));
    add_assigned_globals(analyses.back(), assigned);
  }
  CheckOptions options;
  options.is_known_global = known_54;
  options.assigned_globals = &assigned;
  for (std::size_t i = 0; i < files.size(); ++i)
    for (const Diagnostic& d : check(analyses[i], options))
      std::printf("%s:%u:%u: %s: %s\n", files[i].path.c_str(), d.start.line, d.start.column,
                  std::string(code_name(d.code)).c_str(), d.message.c_str());
}
