// One source of truth: at every identifier of the NSE corpus, what the written SCIP index says
// for definition and references is what the language service answers through the API `moonring
// lsp` calls. The index is read as docs/index.md says: references are every occurrence of the
// occurrence's symbol; the definition is the symbol's first definition in the same document,
// else its definitions in the other documents.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "lang/lua/services/lua_service.hpp"
#include "runtime/timer.hpp"
#include "tests/index/index_support.hpp"
#include "tests/runtime/test_support.hpp"
#include "tests/skip.hpp"

using namespace moonring;

namespace {

// Every identifier agrees (see the CHECKs at the end).
constexpr double kDefinitionFloor = 100.0;
constexpr double kReferencesFloor = 100.0;

// A place as both sides can write it: relative path, start and end as line:utf16.
using Place = std::string;

Place place(const std::string& rel, int line, int start, int end_line, int end) {
  return rel + ":" + std::to_string(line) + ":" + std::to_string(start) + "-" +
         std::to_string(end_line) + ":" + std::to_string(end);
}

struct IndexedOccurrence {
  Place place;
  std::string document;
  bool definition = false;
};

// A symbol's identity: `local N` names a symbol of its document only.
std::string key(const std::string& document, const std::string& symbol) {
  return symbol.starts_with("local ") ? document + '\0' + symbol : symbol;
}

// The index, as a reader navigates it.
struct Navigation {
  std::map<std::string, std::vector<IndexedOccurrence>> by_symbol;  // in document order
  // document -> "line:start" -> symbol
  std::map<std::string, std::map<std::string, std::string>> at;

  explicit Navigation(const scip::Index& index) {
    for (const scip::Document& d : index.documents()) {
      for (const scip::Occurrence& o : d.occurrences()) {
        if (o.symbol().empty()) continue;  // a diagnostic
        const auto& r = o.range();
        const int line = r[0], start = r[1];
        const int end_line = r.size() == 4 ? r[2] : r[0];
        const int end = r.size() == 4 ? r[3] : r[2];
        by_symbol[key(d.relative_path(), o.symbol())].push_back(
            {place(d.relative_path(), line, start, end_line, end), d.relative_path(),
             (o.symbol_roles() & scip::Definition) != 0});
        // Two occurrences of one range (a method's name and its implicit `self`): the name's
        // own symbol is the first.
        at[d.relative_path()].try_emplace(std::to_string(line) + ":" + std::to_string(start),
                                          key(d.relative_path(), o.symbol()));
      }
    }
  }

  const std::string* symbol_at(const std::string& doc, int line, int start) const {
    auto d = at.find(doc);
    if (d == at.end()) return nullptr;
    auto s = d->second.find(std::to_string(line) + ":" + std::to_string(start));
    return s == d->second.end() ? nullptr : &s->second;
  }

  std::set<Place> definition(const std::string& doc, const std::string& symbol) const {
    const auto& all = by_symbol.at(symbol);
    for (const IndexedOccurrence& o : all)
      if (o.definition && o.document == doc) return {o.place};  // the first here
    std::set<Place> out;
    for (const IndexedOccurrence& o : all)
      if (o.definition) out.insert(o.place);
    return out;
  }

  std::set<Place> references(const std::string& symbol) const {
    std::set<Place> out;
    for (const IndexedOccurrence& o : by_symbol.at(symbol)) out.insert(o.place);
    return out;
  }
};

std::set<Place> places(const std::vector<service::Location>& found, const std::string& root) {
  std::set<Place> out;
  for (const service::Location& l : found)
    out.insert(place(l.path.substr(root.size() + 1), static_cast<int>(l.span.start.line),
                     static_cast<int>(l.span.start.utf16), static_cast<int>(l.span.end.line),
                     static_cast<int>(l.span.end.utf16)));
  return out;
}

std::string show(const std::set<Place>& s) {
  std::string out = "{";
  int n = 0;
  for (const Place& p : s) {
    if (n++ == 4) return out + " ... " + std::to_string(s.size()) + " in all}";
    out += " " + p;
  }
  return out + " }";
}

}  // namespace

TEST_CASE("index: definition and references equal the language service's at every identifier") {
  test::TempTree t;
  if (!test::add_nse(t)) return test::missing_tool("nmap-common (/usr/share/nmap)");
  const std::string out = t.path("index.scip");
  REQUIRE(test::run(std::string(MOONRING_BIN) + " index " + t.root() + " -o " + out + " 2>" +
                    t.path("log")) == 0);
  scip::Index index;
  REQUIRE(test::read_index(out, index));
  const Navigation nav(index);

  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(t.root()))
    if (e.is_regular_file() && e.path().extension() == ".lua") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  // Every identifier of every file takes minutes in the sanitised test tree (references of common
  // globals span the corpus), so the test run checks every identifier of every Nth file; the
  // index and the service still see the whole corpus. MOONRING_INDEX_AGREEMENT_EVERY=1 checks all.
  const char* every_env = std::getenv("MOONRING_INDEX_AGREEMENT_EVERY");
  const std::size_t every = every_env ? std::max(1, std::atoi(every_env)) : 32;

  std::size_t identifiers = 0, definitions_equal = 0, references_equal = 0;
  std::vector<std::string> differences;
  // MOONRING_INDEX_AGREEMENT_SHOW=N: how many differences to print (default 20).
  const char* show_env = std::getenv("MOONRING_INDEX_AGREEMENT_SHOW");
  const std::size_t kShown = show_env ? static_cast<std::size_t>(std::atoi(show_env)) : 20;
  auto rt = test::start_runtime(2);
  rt->block_on([&]() -> Task<void> {
    lua::LuaService server(service::Sinks{});
    const std::vector<std::string> roots{t.root()};
    co_await server.load(roots);
    // Every file open, as an editor with the whole corpus open: the service answers from memory.
    std::vector<workspace::SnapshotPtr> docs;
    for (const std::string& path : files) {
      auto doc = std::make_shared<workspace::Snapshot>();
      doc->uri = path;
      doc->text = test::slurp(path);
      doc->lines = workspace::LineIndex(doc->text);
      docs.push_back(doc);
      co_await server.open(path, doc);
    }
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t f = 0; f < files.size(); f += every) {
      if (f % 100 < every)  // a long test says where it is
        std::fprintf(
            stderr, "index agreement: %zu/%zu files, %zu identifiers, %.0f s\n", f, files.size(),
            identifiers,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      const workspace::SnapshotPtr& doc = docs[f];
      const std::string rel = files[f].substr(t.root().size() + 1);
      const lua::FileAnalysis a = lua::analyze_view(doc->text, lua::LuaVersion::Lua54);
      std::set<std::uint32_t> names;
      for (lua::NodeId id = 0; id < a.parsed.tree.node_count(); ++id)
        if (a.parsed.tree.kind(id) == lua::NodeKind::Name)
          names.insert(a.parsed.tree.node(id).start);
      for (std::uint32_t offset : names) {
        // Each query completes without suspending: without an occasional real suspension this
        // loop would nest a frame per await where symmetric transfer is no tail call (GCC -O0).
        if (++identifiers % 64 == 0) co_await sleep(std::chrono::nanoseconds(0));
        const service::At at{files[f], doc, offset};
        auto defs = co_await server.definition(at, CancellationToken{});
        auto refs = co_await server.references(at, true, CancellationToken{});
        const std::set<Place> want_defs = defs ? places(*defs, t.root()) : std::set<Place>{};
        const std::set<Place> want_refs = refs ? places(*refs, t.root()) : std::set<Place>{};
        const workspace::Position p = doc->position_at(offset, workspace::PositionEncoding::utf16);
        const std::string* symbol =
            nav.symbol_at(rel, static_cast<int>(p.line), static_cast<int>(p.character));
        const std::set<Place> got_defs = symbol ? nav.definition(rel, *symbol) : std::set<Place>{};
        const std::set<Place> got_refs = symbol ? nav.references(*symbol) : std::set<Place>{};
        definitions_equal += got_defs == want_defs ? 1 : 0;
        references_equal += got_refs == want_refs ? 1 : 0;
        if ((got_defs != want_defs || got_refs != want_refs) && differences.size() < kShown)
          differences.push_back(
              rel + " @" + std::to_string(p.line) + ":" + std::to_string(p.character) + " " +
              (symbol ? *symbol : std::string("(no occurrence)")) + "\n  definition: index " +
              show(got_defs) + " service " + show(want_defs) + "\n  references: index " +
              show(got_refs) + " service " + show(want_refs));
      }
    }
    co_await server.stop();
  });
  std::string first_differences;
  for (const std::string& d : differences) first_differences += d + "\n";
  INFO(first_differences);
  const double def_pct = identifiers ? 100.0 * static_cast<double>(definitions_equal) /
                                           static_cast<double>(identifiers)
                                     : 0;
  const double ref_pct =
      identifiers ? 100.0 * static_cast<double>(references_equal) / static_cast<double>(identifiers)
                  : 0;
  std::printf(
      "index agreement: %zu identifiers in %zu files, definition %.4f%%, references %.4f%%\n",
      identifiers, files.size(), def_pct, ref_pct);
  CHECK(identifiers > 100000 / every);
  // Every identifier: definition and references equal (docs/index.md, "Reading the index").
  CHECK(def_pct >= kDefinitionFloor);
  CHECK(ref_pct >= kReferencesFloor);
}
