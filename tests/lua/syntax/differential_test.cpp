// The parser against the official compilers: `luac5.4 -p` (and `luac5.1 -p` where 5.4 rejects)
// on the Lua corpora from Debian packages and on deterministic mutants of them: same verdict, and
// the first error on the same line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "lang/lua/syntax/lexer.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "tests/file_text.hpp"

using namespace moonring::lua;
namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct RunResult {
  int status = 0;
  std::string output;
};

RunResult run(const std::string& command) {
  RunResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

bool have(const std::string& program) {
  return run(std::string("command -v ") + program + " >/dev/null").status == 0;
}

// luac's verdict on one file: nullopt when accepted, else the error line (0 when luac gives none,
// as for "C stack overflow").
std::optional<std::uint32_t> luac_verdict(const std::string& luac, const std::string& file,
                                          std::string* message) {
  RunResult r = run(luac + " -p " + shell_quote(file));
  if (r.status == 0) return std::nullopt;
  *message = r.output;
  const std::string key = file + ":";
  std::size_t at = r.output.find(key);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint32_t>(std::strtoul(r.output.c_str() + at + key.size(), nullptr, 10));
}

std::optional<std::uint32_t> our_verdict(const std::string& source, LuaVersion v,
                                         std::string* message) {
  ParseResult r = parse(source, v);
  if (r.ok()) return std::nullopt;
  *message = r.errors[0].message;
  return r.errors[0].line;
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const char* root : {"/usr/share/nmap", "/usr/lib/prosody", "/usr/share/lua"}) {
    std::error_code ec;
    if (!fs::exists(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::end(it);
         it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file(ec)) continue;
      auto ext = it->path().extension();
      if (ext == ".lua" || ext == ".nse") files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Compares our verdict with luac's on one file; returns a description of any disagreement.
std::string compare(const std::string& file, const std::string& source, bool fallback_51) {
  std::string luac_msg, our_msg;
  auto theirs = luac_verdict("luac5.4", file, &luac_msg);
  auto ours = our_verdict(source, LuaVersion::Lua54, &our_msg);
  const char* version = "5.4";
  if (theirs && fallback_51) {
    // Files that only 5.1 accepts are checked as 5.1.
    std::string msg51;
    auto theirs51 = luac_verdict("luac5.1", file, &msg51);
    if (!theirs51) {
      theirs = theirs51;
      luac_msg = msg51;
      ours = our_verdict(source, LuaVersion::Lua51, &our_msg);
      version = "5.1";
    }
  }
  const bool same =
      theirs.has_value() == ours.has_value() && (!theirs || *theirs == 0 || *theirs == *ours);
  if (same) return {};
  std::ostringstream s;
  s << file << " (" << version << "): luac "
    << (theirs ? std::string("line ") + std::to_string(*theirs) + ": " + luac_msg
               : std::string("accepts"))
    << " / ours "
    << (ours ? std::string("line ") + std::to_string(*ours) + ": " + our_msg : "accepts");
  return s.str();
}

// A deterministic generator (the tests must not change from run to run).
struct Lcg {
  std::uint64_t state;
  std::uint32_t next(std::uint32_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>((state >> 33) % bound);
  }
};

std::vector<Range> token_ranges(const std::string& source) {
  std::string strings;
  std::vector<Comment> comments;
  std::vector<LexError> errors;
  Lexer lexer(source, LuaVersion::Lua54, strings, comments, errors);
  std::vector<Range> tokens;
  for (Token t = lexer.next(); t.type != Tok::Eof; t = lexer.next())
    tokens.push_back({t.start, t.end});
  return tokens;
}

// Deletes, duplicates or swaps tokens, or truncates: the mutants the issue names.
std::string mutate(const std::string& src, const std::vector<Range>& toks, Lcg& rng) {
  const std::uint32_t k = rng.next(static_cast<std::uint32_t>(toks.size()));
  const Range t = toks[k];
  auto cut = [&](std::uint32_t a, std::uint32_t b) { return src.substr(a, b - a); };
  switch (rng.next(4)) {
    case 0:
      return cut(0, t.start) + cut(t.end, static_cast<std::uint32_t>(src.size()));
    case 1:
      return cut(0, t.end) + " " + cut(t.start, static_cast<std::uint32_t>(src.size()));
    case 2: {
      if (k + 1 >= toks.size()) return src.substr(0, t.start);
      const Range u = toks[k + 1];
      return cut(0, t.start) + cut(u.start, u.end) + cut(t.end, u.start) + cut(t.start, t.end) +
             cut(u.end, static_cast<std::uint32_t>(src.size()));
    }
    default:
      return src.substr(0, t.start);
  }
}

}  // namespace

TEST_CASE("corpus: same verdict and first error line as luac", "[differential]") {
  REQUIRE(have("luac5.4"));
  REQUIRE(have("luac5.1"));
  const auto files = corpus_files();
  REQUIRE(files.size() > 100);  // scripts/install-deps.sh installs nmap-common and prosody
  std::vector<std::string> disagreements;
  std::size_t accepted = 0;
  // luac -p takes many files and stops at the first it rejects: batches of files we accept are
  // checked in one run each; a batch it rejects is checked file by file.
  std::vector<std::string> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    std::string cmd = "luac5.4 -p";
    for (const auto& f : batch) cmd += std::string(" ") + shell_quote(f);
    if (run(cmd).status != 0) {
      for (const auto& f : batch) {
        std::string d = compare(f, moonring::test::file_text(f), true);
        if (!d.empty()) disagreements.push_back(d);
      }
    }
    batch.clear();
  };
  for (const auto& f : files) {
    const std::string src = moonring::test::file_text(f);
    ParseResult r = parse(src, LuaVersion::Lua54);
    if (r.ok()) {
      ++accepted;
      batch.push_back(f);
      if (batch.size() == 100) flush();
    } else {
      std::string d = compare(f, src, true);
      if (!d.empty()) disagreements.push_back(d);
    }
  }
  flush();
  INFO(files.size() << " files, " << accepted << " accepted as 5.4");
  for (const auto& d : disagreements) UNSCOPED_INFO(d);
  CHECK(disagreements.empty());
}

TEST_CASE("mutants: same verdict and first error line as luac 5.4 and 5.1", "[differential]") {
  REQUIRE(have("luac5.4"));
  REQUIRE(have("luac5.1"));
  const auto files = corpus_files();
  REQUIRE(files.size() > 100);
  const fs::path dir =
      fs::temp_directory_path() / (std::string("moonring_mutants_") + std::to_string(getpid()));
  fs::create_directories(dir);
  Lcg rng{20261125};
  std::vector<std::string> disagreements;
  int rejected = 0;
  const int kMutants = 300;
  for (int i = 0; i < kMutants; ++i) {
    const std::string& f = files[rng.next(static_cast<std::uint32_t>(files.size()))];
    const std::string src = moonring::test::file_text(f);
    const auto toks = token_ranges(src);
    if (toks.empty()) continue;
    const std::string m = mutate(src, toks, rng);
    const std::string path = (dir / (std::string("m") + std::to_string(i) + ".lua")).string();
    std::ofstream(path, std::ios::binary) << m;
    for (auto [luac, version] :
         {std::pair{"luac5.4", LuaVersion::Lua54}, std::pair{"luac5.1", LuaVersion::Lua51}}) {
      std::string theirs_msg, ours_msg;
      auto theirs = luac_verdict(luac, path, &theirs_msg);
      auto ours = our_verdict(m, version, &ours_msg);
      if (theirs) ++rejected;
      const bool same =
          theirs.has_value() == ours.has_value() && (!theirs || *theirs == 0 || *theirs == *ours);
      if (!same) {
        disagreements.push_back(std::string(luac) + " on mutant of " + f + " (" + path +
                                "): luac " + (theirs ? theirs_msg : "accepts") + " / ours " +
                                (ours ? std::to_string(*ours) + ": " + ours_msg : "accepts"));
      }
    }
  }
  if (disagreements.empty()) fs::remove_all(dir);
  INFO(kMutants << " mutants, " << rejected << " rejections by luac");
  for (const auto& d : disagreements) UNSCOPED_INFO(d);
  CHECK(disagreements.empty());
  CHECK(rejected > kMutants / 4);  // the mutants do exercise the error paths
}
