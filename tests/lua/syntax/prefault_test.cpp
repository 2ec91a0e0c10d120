// Prefaulter (pages made resident ahead of a filler, on a thread of its own) and the large
// sources whose trees it warms.
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "lang/lua/syntax/parser.hpp"
#include "lang/lua/syntax/prefault.hpp"
#include "lang/lua/syntax/process_cpus.hpp"
#include "tests/pinned_cpus.hpp"
#include "tests/skip.hpp"

using namespace moonring::lua;

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Anonymous memory of its own, never touched by the test itself.
class Mapping {
 public:
  explicit Mapping(std::size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<unsigned char*>(p);
  }
  ~Mapping() {
    if (base_ != nullptr) munmap(base_, bytes_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  unsigned char* base() const { return base_; }
  // Whether each page of [from, to) bytes is resident: all (true) or none (false) asked.
  bool resident(std::size_t from, std::size_t to, bool all) const {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in((to - from + page - 1) / page);
    if (mincore(base_ + from, to - from, in.data()) != 0) return false;
    for (const unsigned char c : in)
      if (((c & 1) != 0) != all) return false;
    return true;
  }
  // Waits (bounded) for [from, to) to become resident: the warming thread's work, observed.
  bool becomes_resident(std::size_t from, std::size_t to) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!resident(from, to, true)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

 private:
  unsigned char* base_ = nullptr;
  std::size_t bytes_ = 0;
};

bool can_populate() {
  Mapping m(kMiB);
  return m.base() != nullptr && madvise(m.base(), kMiB, 23 /* MADV_POPULATE_WRITE */) == 0;
}

}  // namespace

TEST_CASE("prefault: pages are made resident a window ahead of the filler, no further") {
  if (!can_populate()) {
    WARN("the kernel cannot populate pages ahead (MADV_POPULATE_WRITE): nothing to test");
    return;
  }
  Mapping m(96 * kMiB);
  Mapping later(16 * kMiB);
  REQUIRE(m.base() != nullptr);
  REQUIRE(later.base() != nullptr);
  {
    Prefaulter warm;
    REQUIRE(warm.watch(0, m.base(), 96 * kMiB));
    // Nothing filled yet: the first window is warmed all the same.
    CHECK(m.becomes_resident(0, Prefaulter::kWindow - Prefaulter::kChunk));
    warm.filled(0, 40 * kMiB);
    CHECK(m.becomes_resident(0, 40 * kMiB + Prefaulter::kWindow - Prefaulter::kChunk));
    // The thread serves the lower index first: once this region is warmed to its end, the first
    // has been warmed as far as it ever will be at this fill.
    REQUIRE(warm.watch(1, later.base(), 16 * kMiB));
    warm.filled(1, 16 * kMiB);
    CHECK(later.becomes_resident(0, 16 * kMiB));
  }
  // Filled to 40 MB: nothing from a window and a chunk past that on.
  CHECK(m.resident(40 * kMiB + Prefaulter::kWindow + Prefaulter::kChunk, 96 * kMiB, false));
}

TEST_CASE("prefault: a retired region is never touched again") {
  if (!can_populate()) {
    WARN("the kernel cannot populate pages ahead (MADV_POPULATE_WRITE): nothing to test");
    return;
  }
  Mapping kept(64 * kMiB);
  Mapping retired(64 * kMiB);
  REQUIRE(kept.base() != nullptr);
  REQUIRE(retired.base() != nullptr);
  {
    Prefaulter warm;
    // The thread serves the lower index first: once the kept region is warmed to its end, the
    // retired one would have been too.
    REQUIRE(warm.watch(0, retired.base(), 64 * kMiB));
    REQUIRE(warm.watch(1, kept.base(), 64 * kMiB));
    warm.retire(0);
    // What the thread may have warmed of it before retire() returned: at most the first window.
    warm.filled(0, 60 * kMiB);
    warm.filled(1, 60 * kMiB);
    CHECK(kept.becomes_resident(0, 64 * kMiB));  // the other region goes on to its end
  }
  CHECK(retired.resident(Prefaulter::kWindow + Prefaulter::kChunk, 64 * kMiB, false));
}

TEST_CASE("prefault: a large source denser than its tree's reserve parses whole") {
  // `{},` is a Table and a TableField in 3 bytes: more nodes than a large source's reserve (a
  // node per 2 bytes), so the nodes move mid-parse and their warming is retired first.
  std::string source = "local x = {";
  const std::size_t fields = 600'000;
  for (std::size_t i = 0; i < fields; ++i) source += "{},";
  source += "}\nreturn x\n";
  REQUIRE(source.size() >= kMiB);
  const ParseResult r = parse(source, LuaVersion::Lua54);
  REQUIRE(r.ok());
  const std::span<const NodeId> statements = r.tree.statements(r.tree.root());
  REQUIRE(statements.size() == 2);
  const LocalView local = r.tree.local(statements[0]);
  REQUIRE(local.values.size() == 1);
  CHECK(r.tree.table_fields(local.values[0]).size() == fields);
  CHECK(r.tree.node_count() > source.size() / 2);
}

TEST_CASE("prefault: a large source of many statements parses as a small one does") {
  // Each function alone, and 40,000 of them in one 2.3 MB source (warmed as it is parsed):
  // the same statements, names and ranges.
  std::string source;
  std::vector<std::string> pieces;
  for (int i = 0; i < 40'000; ++i) {
    pieces.push_back("function f" + std::to_string(i) + "(a, b)\n  local t = b + g" +
                     std::to_string(i % 97) + "\n  return t\nend\n");
    source += pieces.back();
  }
  REQUIRE(source.size() >= kMiB);
  const ParseResult whole = parse(source, LuaVersion::Lua54);
  REQUIRE(whole.ok());
  const std::span<const NodeId> statements = whole.tree.statements(whole.tree.root());
  REQUIRE(statements.size() == pieces.size());
  std::uint32_t offset = 0;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const ParseResult one = parse(pieces[i], LuaVersion::Lua54);
    const NodeId s = statements[i];
    const NodeId alone = one.tree.statements(one.tree.root())[0];
    const FunctionView f = whole.tree.function(s);
    const FunctionView g = one.tree.function(alone);
    const FunctionExprView fb = whole.tree.function_expr(f.body);
    const FunctionExprView gb = one.tree.function_expr(g.body);
    if (whole.tree.range(s).start != offset + one.tree.range(alone).start ||
        whole.tree.range(s).end != offset + one.tree.range(alone).end ||
        whole.tree.name_text(f.target) != one.tree.name_text(g.target) ||
        fb.params.size() != gb.params.size() ||
        whole.tree.statements(fb.block).size() != one.tree.statements(gb.block).size())
      ++mismatches;
    offset += static_cast<std::uint32_t>(pieces[i].size());
  }
  CHECK(mismatches == 0);
}

TEST_CASE("prefault: a helper started from a pinned thread runs on every CPU of the process") {
  // A runtime core is pinned to one CPU, and the threads it starts inherit the pin: the warming
  // thread then only took turns with the parser it was meant to relieve.
  if (moonring::test::cpu_count(true) < 2)
    return moonring::test::skip_because("one CPU: nothing to spread over");
  int inherited = -1;
  const moonring::test::PinnedStart run = moonring::test::start_from_pinned_thread(
      [](const std::function<void()>& body) {
        std::thread helper(body);
        helper.join();
      },
      [&] {
        inherited = moonring::test::cpu_count();
        run_on_process_cpus();
        return moonring::test::cpu_count();
      });
  CHECK(inherited == 1);
  CHECK(run.started == moonring::test::cpu_count(true));
}
