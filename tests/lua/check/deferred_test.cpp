// check_deferred + the merge give exactly check()'s diagnostics: on the NSE corpus, with the
// globals assigned by every file merged first (as a workspace check does).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lang/lua/stdlib/stdlib.hpp"
#include "tests/lua/check/check_support.hpp"
#include "tests/skip.hpp"

using namespace moonring::lua;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> nse_sources() {
  std::vector<std::string> texts;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator("/usr/share/nmap", ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto ext = it->path().extension();
    if (!it->is_regular_file() || (ext != ".lua" && ext != ".nse")) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

std::string describe(const Diagnostic& d) {
  return std::string(code_name(d.code)) + "@" + std::to_string(d.range.start) + "-" +
         std::to_string(d.range.end) + ":" + std::to_string(d.start.line) + ":" +
         std::to_string(d.start.column) + " " + d.message;
}

}  // namespace

TEST_CASE("deferred undefined-global checking agrees with check() on the NSE corpus",
          "[deferred][corpus]") {
  const std::vector<std::string> texts = nse_sources();
  if (texts.empty()) {
    return moonring::test::missing_tool("the NSE corpus /usr/share/nmap (Debian: nmap-common)");
  }
  GlobalSet assigned;
  for (const std::string& text : texts)
    add_assigned_globals(analyze(text, LuaVersion::Lua54), assigned);
  CheckOptions options;
  options.is_known_global = [](std::string_view n) {
    return stdlib::is_global(LuaVersion::Lua54, n);
  };
  std::size_t undefined = 0;
  for (const std::string& text : texts) {
    const FileAnalysis file = analyze(text, LuaVersion::Lua54);
    options.assigned_globals = &assigned;
    std::vector<std::string> expected;
    for (const Diagnostic& d : check(file, options)) expected.push_back(describe(d));

    options.assigned_globals = nullptr;
    DeferredCheck deferred = check_deferred(file, options);
    std::vector<Diagnostic> got = std::move(deferred.diagnostics);
    for (PendingGlobalRead& read : deferred.global_reads) {
      if (assigned.contains(read.name)) continue;
      got.push_back(undefined_global_diagnostic(read));
      ++undefined;
    }
    std::stable_sort(got.begin(), got.end(), diagnostic_order);
    std::vector<std::string> actual;
    for (const Diagnostic& d : got) actual.push_back(describe(d));
    REQUIRE(actual == expected);
  }
  CHECK(undefined > 0);  // the corpus reads globals that no file assigns (SCRIPT_NAME)
}
