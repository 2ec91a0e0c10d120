// lua_query_tool: times the language queries on a real workspace. Reads every .lua/.nse file
// under DIR (parse, bind, summarise, index), then on the largest files asks each query at N
// evenly spread names and prints p50/p99/max per query (thread CPU time), ending with a
// `bench lua_query:` line.
//   lua_query_tool DIR [--files K] [--points N] [--root R]...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lang/lua/query/code_actions.hpp"
#include "lang/lua/query/completion.hpp"
#include "lang/lua/query/document_links.hpp"
#include "lang/lua/query/document_symbols.hpp"
#include "lang/lua/query/folding.hpp"
#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/inlay_hints.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/rename.hpp"
#include "lang/lua/query/selection.hpp"
#include "lang/lua/query/semantic_tokens.hpp"
#include "lang/lua/query/signature_help.hpp"
#include "lang/lua/query/workspace_symbols.hpp"
#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"

namespace {

using namespace moonring::lua;
using namespace moonring::lua::query;
using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct File {
  std::string path;
  ParseResult parsed;
  FileBinding binding;
};

struct Samples {
  std::vector<double> ms;
  double pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    auto i = static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1));
    return ms[i];
  }
};

// The CPU time of this thread, in ms: on a shared machine wall time adds whatever the scheduler
// gave others (whole time slices of a few ms), which says nothing about the query.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

template <class Fn>
void timed(Samples& s, Fn&& fn) {
  double t0 = cpu_ms();
  fn();
  s.ms.push_back(cpu_ms() - t0);
}

std::size_t answers = 0;  // printed at the end, so the optimiser keeps every query
void keep(std::size_t n) {
  answers += n;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::size_t top = 3, points = 100;
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--files" && i + 1 < argc) {
      top = std::stoul(argv[++i]);
    } else if (a == "--points" && i + 1 < argc) {
      points = std::stoul(argv[++i]);
    } else if (a == "--root" && i + 1 < argc) {
      roots.emplace_back(argv[++i]);
    } else {
      dir = a;
    }
  }
  if (dir.empty()) {
    std::cerr << "usage: lua_query_tool DIR [--files K] [--points N] [--root R]...\n";
    return 2;
  }
  if (roots.empty()) roots.push_back(dir);
  std::vector<File> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension();
    if (ext != ".lua" && ext != ".nse") continue;
    files.push_back({e.path().string(), {}, {}});
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.path < b.path; });
  WorkspaceIndex index;
  index.set_search(roots);
  Samples summarize_ms;
  std::size_t bytes = 0, summary_bytes = 0;
  auto t0 = Clock::now();
  for (File& f : files) {
    std::string text = read_file(f.path);
    bytes += text.size();
    f.parsed = parse(text, LuaVersion::Lua54);
    f.binding = bind(f.parsed.tree);
    FileSummary s;
    timed(summarize_ms, [&] { s = summarize(f.parsed.tree, f.binding); });
    summary_bytes += s.memory_bytes();
    index.update(f.path, std::move(s));
  }
  double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::printf(
      "%zu files, %.1f MB; parse+bind+summarise+index %.0f ms (summarise p50 %.3f max %.2f"
      " ms), summaries %.1f MB\n",
      files.size(), static_cast<double>(bytes) / 1e6, load_ms, summarize_ms.pct(0.5),
      summarize_ms.pct(1.0), static_cast<double>(summary_bytes) / 1e6);

  std::vector<File*> largest;
  for (File& f : files) largest.push_back(&f);
  std::sort(largest.begin(), largest.end(), [](const File* a, const File* b) {
    return a->parsed.tree.source().size() > b->parsed.tree.source().size();
  });
  largest.resize(std::min(top, largest.size()));

  std::map<std::string, Samples> per_query;
  for (File* f : largest) {
    const Tree& t = f->parsed.tree;
    const FileBinding& b = f->binding;
    if (b.refs.empty()) continue;
    std::printf("%s: %zu bytes, %u nodes, %zu refs\n", f->path.c_str(), t.source().size(),
                t.node_count(), b.refs.size());
    // Names spread over the file: every k-th variable reference, and every k-th field name.
    std::vector<std::uint32_t> at;
    for (std::size_t i = 0; i < points; ++i)
      at.push_back(b.refs[i * b.refs.size() / points].range.start);
    std::vector<std::uint32_t> fields;
    for (NodeId id = 0; id < t.node_count(); ++id)
      if (t.kind(id) == NodeKind::Field && t.field(id).name != kNoNode)
        fields.push_back(t.node(t.field(id).name).start);
    if (!fields.empty())
      for (std::size_t i = 0; i < points; ++i) at.push_back(fields[i * fields.size() / points]);
    for (std::uint32_t o : at) {
      auto s = symbol_at(t, b, o);
      std::uint32_t end = s ? s->range.end : o;
      timed(per_query["highlight"], [&] {
        if (s) keep(occurrences(t, b, *s).size());
      });
      timed(per_query["definition"], [&] {
        auto q = symbol_at(t, b, o);
        if (q) keep(definitions(index, f->path, t, b, *q).size());
      });
      timed(per_query["references"], [&] {
        auto q = symbol_at(t, b, o);
        if (q) keep(references(index, f->path, t, b, *q, true).size());
      });
      timed(per_query["hover"], [&] { keep(hover(index, f->path, t, b, o).has_value()); });
      timed(per_query["completion"],
            [&] { keep(complete(index, f->path, t, b, end).items.size()); });
      timed(per_query["signature_help"],
            [&] { keep(signature_help(index, f->path, t, b, end).has_value()); });
      timed(per_query["rename"],
            [&] { keep(rename(index, f->path, t, b, o, "renamed_name").edits.size()); });
      timed(per_query["selection"], [&] { keep(selection_ranges(t, o).size()); });
      // A screenful around the name, as an editor asks.
      const std::uint32_t line = t.position(o).line;
      const std::uint32_t from = t.lines().line_start(line > 25 ? line - 25 : 1);
      const std::uint32_t to = line + 25 <= t.lines().line_count()
                                   ? t.lines().line_start(line + 25)
                                   : static_cast<std::uint32_t>(t.source().size());
      timed(per_query["inlay_hints"], [&] {
        keep(inlay_hints(index, f->path, t, b, {from, to}).size());
      });
      timed(per_query["tokens_range"], [&] { keep(semantic_tokens(t, b, {from, to}).size()); });
    }
    for (int r = 0; r < 10; ++r) {
      timed(per_query["tokens_full"], [&] { keep(semantic_tokens(t, b).size()); });
      timed(per_query["document_symbols"], [&] { keep(document_symbols(t, b).size()); });
      timed(per_query["folding"], [&] { keep(folding_ranges(t).size()); });
      timed(per_query["document_links"], [&] { keep(document_links(index, t, b).size()); });
    }
  }
  for (const char* q : {"get", "smb", "parse_x", "a"})
    timed(per_query["workspace_symbols"], [&] { keep(workspace_symbols(index, q).size()); });
  std::string line = "bench lua_query:";
  for (auto& [name, s] : per_query) {
    std::printf("%-18s n=%4zu p50=%.3f p99=%.3f max=%.3f ms\n", name.c_str(), s.ms.size(),
                s.pct(0.5), s.pct(0.99), s.pct(1.0));
    char buf[96];
    std::snprintf(buf, sizeof buf, " %s_p99_ms=%.3f", name.c_str(), s.pct(0.99));
    line += buf;
  }
  std::printf("(%zu answers)\n%s\n", answers, line.c_str());
  return 0;
}
