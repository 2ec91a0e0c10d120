// `moonring index`: pass 1 summarises every file on every core (the cross-file facts); pass 2
// indexes this shard's files on every core, and the calling thread writes each document as soon
// as it and those before it are done, in relative-path order.
#include "app/index/index_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/index/index_merge.hpp"
#include "app/index/index_progress.hpp"
#include "app/index/lsif_writer.hpp"
#include "app/index/ordered_parallel.hpp"
#include "app/index/output_file.hpp"
#include "app/index/scip_writer.hpp"
#include "lang/lua/config/load.hpp"
#include "lang/lua/index/document_index.hpp"
#include "lang/lua/index/workspace_facts.hpp"
#include "lang/lua/services/workspace_config.hpp"
#include "lang/lua/services/workspace_settings.hpp"
#include "runtime/cpus.hpp"
#include "workspace/discover/discover.hpp"

namespace moonring::app {
namespace {

constexpr const char* kVersion = "0.1.0";

struct Options {
  std::vector<std::string> paths;
  std::string output;
  bool lsif = false;
  unsigned shard = 1;
  unsigned shards = 1;
  unsigned jobs = 0;
};

int usage() {
  std::fputs(
      "usage: moonring index [PATH...] [--output FILE] [--format scip|lsif] [--shard K/N]\n"
      "                      [--jobs N]\n"
      "       moonring index merge A.scip B.scip ... -o OUT.scip\n",
      stderr);
  return 2;
}

bool parse_unsigned(std::string_view s, unsigned& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The package: .luarc.json's "name" and "version" at the first root, else the folder's name.
lua::index::Package package_of(const std::string& root) {
  lua::index::Package package;
  std::ifstream in(root + "/.luarc.json");
  if (in) {
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false, true);
    if (j.is_object()) {
      if (auto n = j.find("name"); n != j.end() && n->is_string()) package.name = *n;
      if (auto v = j.find("version"); v != j.end() && v->is_string()) package.version = *v;
    }
  }
  if (package.name.empty()) {
    std::string_view r = root;
    while (r.size() > 1 && r.back() == '/') r.remove_suffix(1);
    package.name = std::string(r.substr(r.rfind('/') + 1));
  }
  return package;
}

struct Source {
  std::string path;
  std::string relative;
};

std::string human_mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

unsigned shard_of(std::string_view relative_path, unsigned count) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : relative_path) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<unsigned>(h % count) + 1;
}

int index_command(int argc, const char* const* argv, int first) {
  if (first < argc && std::string_view(argv[first]) == "merge")
    return index_merge_command(argc, argv, first + 1);
  const auto started = std::chrono::steady_clock::now();
  Options opt;
  for (int i = first; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
      if (a == name && i + 1 < argc) return std::string_view(argv[++i]);
      if (a.size() > name.size() + 1 && a.starts_with(name) && a[name.size()] == '=')
        return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (auto v = value("--output"); v) {
      opt.output = *v;
    } else if (auto o = value("-o"); o) {
      opt.output = *o;
    } else if (auto f = value("--format"); f) {
      if (*f != "scip" && *f != "lsif") return usage();
      opt.lsif = *f == "lsif";
    } else if (auto s = value("--shard"); s) {
      std::size_t slash = s->find('/');
      if (slash == std::string_view::npos || !parse_unsigned(s->substr(0, slash), opt.shard) ||
          !parse_unsigned(s->substr(slash + 1), opt.shards) || opt.shards == 0 || opt.shard == 0 ||
          opt.shard > opt.shards) {
        std::fputs("moonring index: --shard wants K/N with 1 <= K <= N\n", stderr);
        return 2;
      }
    } else if (auto j = value("--jobs"); j) {
      if (!parse_unsigned(*j, opt.jobs) || opt.jobs == 0) return usage();
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr, "moonring index: unknown option '%s'\n", argv[i]);
      return usage();
    } else {
      opt.paths.emplace_back(a);
    }
  }
  if (opt.paths.empty()) opt.paths.emplace_back(".");
  if (opt.output.empty()) opt.output = opt.lsif ? "dump.lsif" : "index.scip";
  if (opt.jobs == 0)
    opt.jobs = static_cast<unsigned>(std::max<std::size_t>(1, allowed_cpus().size()));

  std::vector<std::string> roots;
  for (const std::string& p : opt.paths) {
    char resolved[PATH_MAX];
    if (realpath(p.c_str(), resolved) == nullptr) {
      std::fprintf(stderr, "moonring index: %s: %s\n", p.c_str(), std::strerror(errno));
      return 2;
    }
    roots.emplace_back(resolved);
  }

  // The configuration and the files, as the language service finds them.
  lua::WorkspaceConfig loaded = lua::load_workspace_config(roots, {});
  for (const std::string& e : loaded.errors)
    std::fprintf(stderr, "moonring index: %s\n", e.c_str());
  lua::WorkspaceSettings settings(std::move(loaded.layers), std::move(loaded.top), roots.front());
  workspace::DiscoverOptions discover;
  discover.roots = roots;
  discover.excludes = settings.config().exclude;
  workspace::Discovery found = workspace::collect_files(discover);
  for (const workspace::DiscoverProblem& p : found.problems)
    if (p.kind != workspace::ProblemKind::vanished)
      std::fprintf(stderr, "moonring index: %s\n", p.message().c_str());
  std::vector<Source> sources;
  sources.reserve(found.files.size());
  for (workspace::DiscoveredFile& f : found.files) {
    std::string relative = lua::index::relative_to(roots, f.path);
    sources.push_back({std::move(f.path), std::move(relative)});
  }
  std::sort(sources.begin(), sources.end(),
            [](const Source& a, const Source& b) { return a.relative < b.relative; });
  const lua::WorkspaceCheckOptions& base = settings.base();
  auto options_for = [&](const std::string& path) -> const lua::WorkspaceCheckOptions& {
    return base.for_file ? base.for_file(path) : base;
  };

  const bool terminal = isatty(STDERR_FILENO) != 0;
  // Pass 1: every file's facts (a shard needs the whole workspace's).
  lua::index::WorkspaceFacts facts(roots);
  IndexProgress scanned(stderr, terminal, sources.size(), "facts");
  ordered_parallel<std::optional<lua::index::FileFacts>>(
      sources.size(), opt.jobs, sources.size() + 1,
      [&](std::size_t i) -> std::optional<lua::index::FileFacts> {
        auto text = lua::config::read_text_file(sources[i].path);
        if (!text) return std::nullopt;
        lua::FileAnalysis a = lua::analyze_view(*text, options_for(sources[i].path).version);
        return lua::index::file_facts(a);
      },
      [&](std::size_t i, std::optional<lua::index::FileFacts>&& f) {
        if (f) facts.add(sources[i].path, std::move(*f));
        scanned.update(i + 1);
      });
  scanned.finish();

  // Pass 2: this shard's documents.
  std::vector<std::size_t> mine;
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (opt.shards == 1 || shard_of(sources[i].relative, opt.shards) == opt.shard)
      mine.push_back(i);
  OutputFile out;
  if (!out.open(opt.output)) {
    std::fprintf(stderr, "moonring index: %s\n", out.error().c_str());
    return 2;
  }
  const lua::index::Package package = package_of(roots.front());
  IndexProgress progress(stderr, terminal, mine.size(), "documents");
  std::size_t symbols = 0, occurrences = 0, documents = 0;
  std::string chunk;
  auto flush = [&](bool force) {
    if (!force && chunk.size() < (1u << 20)) return;
    out.write(chunk);  // a failure is kept and reported at close
    chunk.clear();
  };
  std::unique_ptr<LsifWriter> lsif;
  if (opt.lsif) {
    lsif = std::make_unique<LsifWriter>(chunk, file_uri(roots.front()), kVersion);
  } else {
    append_index_field(chunk, 1, scip_metadata(file_uri(roots.front()), kVersion));
  }
  // A worker encodes its SCIP document (LSIF numbers its vertices in order: the consumer writes
  // those); the consumer only appends.
  struct Done {
    std::optional<lua::index::IndexedDocument> doc;  // LSIF
    std::string scip;
    std::size_t symbols = 0, occurrences = 0;
  };
  ordered_parallel<std::optional<Done>>(
      mine.size(), opt.jobs, 64,
      [&](std::size_t k) -> std::optional<Done> {
        const Source& s = sources[mine[k]];
        auto text = lua::config::read_text_file(s.path);
        if (!text) {
          std::fprintf(stderr, "moonring index: %s\n", text.error().message().c_str());
          return std::nullopt;
        }
        lua::index::DocumentInput input{s.path, s.relative, std::move(*text), &options_for(s.path),
                                        base.inline_options};
        Done done;
        lua::index::IndexedDocument doc =
            lua::index::index_document(std::move(input), facts, package, roots);
        done.occurrences = doc.occurrences.size();
        for (const auto& sym : doc.symbols) done.symbols += sym.defined_here ? 1 : 0;
        if (lsif)
          done.doc = std::move(doc);
        else
          done.scip = scip_document(doc);
        return done;
      },
      [&](std::size_t k, std::optional<Done>&& done) {
        if (done) {
          ++documents;
          occurrences += done->occurrences;
          symbols += done->symbols;
          if (lsif)
            lsif->document(*done->doc);
          else
            append_index_field(chunk, 2, done->scip);
          flush(false);
        }
        progress.update(k + 1);
      });
  if (lsif) lsif->finish();
  flush(true);
  progress.finish();
  if (!out.close()) {
    std::fprintf(stderr, "moonring index: %s\n", out.error().c_str());
    return 2;
  }
  std::fprintf(stderr,
               "moonring index: %zu files, %zu symbols, %zu occurrences, %.2f s, %s -> %s\n",
               documents, symbols, occurrences,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
               human_mb(out.bytes()).c_str(), opt.output.c_str());
  return 0;
}

}  // namespace moonring::app
