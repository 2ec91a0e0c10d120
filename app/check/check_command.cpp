// `moonring check`: paths start loading the moment the argument parser reads them (a discovery
// walk per path, feeding the loader), then every core parses, binds and checks its share.
#include "app/check/check_command.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/check/check_settings.hpp"
#include "app/check/progress.hpp"
#include "app/check/report.hpp"
#include "app/check/walks.hpp"
#include "lang/lua/config/load.hpp"
#include "lang/lua/services/check_workspace.hpp"
#include "runtime/cpus.hpp"
#include "runtime/runtime.hpp"
#include "workspace/discover/discover.hpp"
#include "workspace/discover/streaming_args.hpp"
#include "workspace/map/file_feed.hpp"
#include "workspace/map/loader.hpp"

namespace moonring::app {

namespace {

constexpr const char* kUsage =
    "usage: moonring check [PATH...] [--format text|json|sarif] [--lua-version V] [--jobs N]\n"
    "                      [--fail-on error|warning|information|hint] [--include GLOB]\n"
    "                      [--exclude GLOB] [--globals NAME,...] [--no-inline]\n"
    "                      [--max-file-size BYTES]  (K, M, G: 1024-based; default 20M)\n";

struct CheckArgs {
  ReportFormat format = ReportFormat::text;
  std::optional<lua::LuaVersion> version;  // unset: the configuration's (5.4 by default)
  unsigned jobs = 0;                       // 0: every CPU
  lua::Severity fail_on = lua::Severity::Warning;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
  std::vector<std::string> globals;
  bool no_inline = false;  // luacheck's --no-inline: files' "-- luacheck:" comments do not apply
  bool help = false;
};

// --max-file-size: bytes, or a number with K, M or G (1024-based); 1 byte to 4 GB - 1 (offsets
// in a file are 32-bit). A file over it is not checked, which is an error.
Result<std::uint64_t> parse_size(std::string_view v) {
  std::uint64_t scale = 1;
  std::string_view digits = v;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k':
      case 'K':
        scale = 1ull << 10;
        break;
      case 'm':
      case 'M':
        scale = 1ull << 20;
        break;
      case 'g':
      case 'G':
        scale = 1ull << 30;
        break;
      default:
        break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  std::uint64_t n = 0;
  bool ok = !digits.empty() && digits.size() <= 10;
  for (char c : digits) {
    if (c < '0' || c > '9') ok = false;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!ok || n == 0 || n * scale >= (1ull << 32)) {
    return workspace::usage_error(
        "--max-file-size must be 1 byte to 4 GB - 1, in bytes or with K, M or G (1024-based), "
        "not '" +
        std::string(v) + "'");
  }
  return n * scale;
}

std::vector<std::string> split_names(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!name.empty()) names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return names;
}

// `walking` is true once a path has been read: options that shape discovery come too late then.
std::vector<workspace::ArgOption> options_for(CheckArgs& args, const bool& walking) {
  using workspace::usage_error;
  static constexpr std::array<std::string_view, 3> kFormats{"text", "json", "sarif"};
  static constexpr std::array<std::string_view, 4> kSeverities{"error", "warning", "information",
                                                               "hint"};
  return {
      {{"--format"},
       true,
       [&args](std::string_view v) -> Result<void> {
         auto choice = workspace::parse_choice("--format", v, kFormats);
         if (!choice) return choice.error();
         args.format = *choice == "json"    ? ReportFormat::json
                       : *choice == "sarif" ? ReportFormat::sarif
                                            : ReportFormat::text;
         return {};
       }},
      {{"--lua-version"},
       true,
       [&args](std::string_view v) -> Result<void> {
         auto version = lua::parse_lua_version(v);
         if (!version)
           return usage_error(
               "--lua-version must be one of 5.1, 5.2, 5.3, 5.4, "
               "LuaJIT, not '" +
               std::string(v) + "'");
         args.version = *version;
         return {};
       }},
      {{"--jobs", "-j"},
       true,
       [&args](std::string_view v) -> Result<void> {
         auto n = workspace::parse_number("--jobs", v);
         if (!n) return n.error();
         if (*n == 0 || *n > 1024) return usage_error("--jobs must be 1 to 1024");
         args.jobs = static_cast<unsigned>(*n);
         return {};
       }},
      {{"--fail-on"},
       true,
       [&args](std::string_view v) -> Result<void> {
         auto choice = workspace::parse_choice("--fail-on", v, kSeverities);
         if (!choice) return choice.error();
         args.fail_on = static_cast<lua::Severity>(
             std::find(kSeverities.begin(), kSeverities.end(), *choice) - kSeverities.begin());
         return {};
       }},
      {{"--include"},
       true,
       [&args, &walking](std::string_view v) -> Result<void> {
         if (walking) return usage_error("--include must come before the paths it applies to");
         args.includes.emplace_back(v);
         return {};
       }},
      {{"--exclude"},
       true,
       [&args, &walking](std::string_view v) -> Result<void> {
         if (walking) return usage_error("--exclude must come before the paths it applies to");
         args.excludes.emplace_back(v);
         return {};
       }},
      {{"--help", "-h"},
       false,
       [&args](std::string_view) -> Result<void> {
         args.help = true;
         return {};
       }},
      {{"--no-inline"},
       false,
       [&args](std::string_view) -> Result<void> {
         args.no_inline = true;
         return {};
       }},
      {{"--max-file-size"},
       true,  // applied ahead of the walks (max_file_size_ahead); checked here
       [](std::string_view v) -> Result<void> {
         auto size = parse_size(v);
         if (!size) return size.error();
         return {};
       }},
      {{"--globals"},
       true,
       [&args](std::string_view v) -> Result<void> {
         for (std::string& name : split_names(v)) args.globals.push_back(std::move(name));
         return {};
       }},
  };
}

void write_report(ReportFormat format, std::span<const lua::FileReport> reports, double seconds) {
  switch (format) {
    case ReportFormat::text:
      write_text(stdout, reports, seconds);
      break;
    case ReportFormat::json:
      write_json(stdout, reports);
      break;
    case ReportFormat::sarif:
      write_sarif(stdout, reports);
      break;
  }
  std::fflush(stdout);
}

// The value of the last --jobs (or -j) before "--", read ahead of the real parse: it decides the
// CPUs every thread may use, and threads start with the first path, which may come before it.
// A malformed value is left to the real parse to report.
unsigned jobs_ahead(int argc, const char* const* argv, int first) {
  unsigned jobs = 0;
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    std::string_view value;
    if ((arg == "--jobs" || arg == "-j") && i + 1 < argc)
      value = argv[i + 1];
    else if (arg.starts_with("--jobs="))
      value = arg.substr(7);
    else
      continue;
    auto n = workspace::parse_number("--jobs", value);
    if (n && *n > 0 && *n <= 1024) jobs = static_cast<unsigned>(*n);
  }
  return jobs;
}

// The value of the last well-formed --max-file-size before "--", read ahead of the real parse
// (which reports a malformed one): walks start with the first path, which may come before it.
std::optional<std::uint64_t> max_file_size_ahead(int argc, const char* const* argv, int first) {
  std::optional<std::uint64_t> limit;
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    std::string_view value;
    if (arg == "--max-file-size" && i + 1 < argc)
      value = argv[++i];
    else if (arg.starts_with("--max-file-size="))
      value = arg.substr(16);
    else
      continue;
    if (auto size = parse_size(value)) limit = *size;
  }
  return limit;
}

// Whether --help (or -h) is anywhere before "--": then nothing else is done, the configuration
// (which may be slow, or hostile) included.
bool help_ahead(int argc, const char* const* argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

}  // namespace

int check_command(int argc, const char* const* argv, int first) {
  const auto started = std::chrono::steady_clock::now();
  if (help_ahead(argc, argv, first)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  // The workspace's own configuration (.luacheckrc, .luarc.json, found from the current folder)
  // first: its excludes shape the walks, which start with the first path on the command line.
  auto config = lua::config::load_config(".", {});
  if (!config) {
    std::fprintf(stderr, "moonring check: %s\n", config.error().message().c_str());
    return 2;
  }
  for (const std::string& note : config->notes)
    std::fprintf(stderr, "moonring check: note: %s\n", note.c_str());

  // --jobs N means N CPUs for the whole run: the cores, and the loader and walks that feed them.
  if (const unsigned jobs = jobs_ahead(argc, argv, first); jobs > 0) {
    if (auto confined = confine_to_cpus(jobs); !confined)
      std::fprintf(stderr, "moonring check: note: --jobs %u: %s\n", jobs,
                   confined.error().message().c_str());
  }
  // workspace.library: the roots that exist, canonical, so that checked paths can leave them out.
  std::vector<std::string> library_roots;
  for (const std::string& entry : config->library) {
    std::string root = canonical_path(entry);
    if (root.empty()) {
      std::fprintf(stderr, "moonring check: note: workspace.library: %s: not found\n",
                   entry.c_str());
    } else {
      library_roots.push_back(std::move(root));
    }
  }
  CheckArgs args;
  // Reading a small file costs about a twentieth of checking it (bench/load, bench/check), and the
  // loader submits its reads in batches, so one worker per eight CPUs keeps ahead of the cores;
  // more would only take CPU from them (--jobs 2 ran 4% faster with one worker than with two).
  LoaderConfig loader_config;
  loader_config.threads = std::max<unsigned>(1, static_cast<unsigned>(allowed_cpus().size()) / 8);
  Loader loader(loader_config);
  FileFeed feed;
  auto progress = std::make_unique<Progress>();
  workspace::DiscoverOptions discover_options;
  if (auto limit = max_file_size_ahead(argc, argv, first)) discover_options.max_file_size = *limit;
  // Paths start walking the moment they are read, so options that shape discovery (--include,
  // --exclude) must come before them; the walks are created with the first path.
  std::unique_ptr<Walks> walks;
  bool walking = false;
  const std::vector<workspace::ArgOption> options = options_for(args, walking);
  auto parsed =
      workspace::parse_streaming_args(argc, argv, first, options, [&](std::string_view p) {
        if (!walks) {
          if (!args.includes.empty()) discover_options.associations = args.includes;
          discover_options.excludes = args.excludes;
          walks = std::make_unique<Walks>(discover_options, library_roots, loader, feed, *progress);
          walks->start_library();
          walking = true;
        }
        walks->start(p);
      });
  if (!parsed) {
    std::fprintf(stderr, "moonring check: %s\n%s", workspace::usage_message(parsed.error()).c_str(),
                 kUsage);
    return 2;
  }
  if (args.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!walks) {  // no path: the current folder
    if (!args.includes.empty()) discover_options.associations = args.includes;
    discover_options.excludes = config->exclude;
    discover_options.excludes.insert(discover_options.excludes.end(), args.excludes.begin(),
                                     args.excludes.end());
    walks = std::make_unique<Walks>(discover_options, library_roots, loader, feed, *progress);
    walks->start_library();
    walks->start(".");
  }
  walks->arguments_read();

  RuntimeConfig runtime_config;
  runtime_config.cores = args.jobs;
  auto runtime = Runtime::start(runtime_config);
  if (!runtime) {
    std::fprintf(stderr, "moonring check: %s\n", runtime.error().message().c_str());
    return 2;
  }

  // The command line is the top layer of the configuration, over every files["glob"] override.
  lua::config::Settings command_line;
  command_line.version = args.version;
  command_line.globals = args.globals;
  CheckSettings settings(std::move(*config), std::move(command_line));
  lua::WorkspaceCheckOptions& check_options = settings.base();
  check_options.on_file_analysed = [&progress] { progress->done(); };
  check_options.inline_options = !args.no_inline;

  std::vector<lua::FileReport> reports = lua::check_workspace(**runtime, feed, check_options);
  (*runtime)->request_stop();
  (*runtime)->join();
  progress.reset();  // clears its line before the report and the problems

  walks->join();  // over already: the feed closed when the last walk ended
  bool io_error = false;
  for (const Walks::Problem& met : walks->take_problems()) {
    const workspace::DiscoverProblem& problem = met.problem;
    if (met.library) {  // a library the checker cannot read only costs its definitions
      std::fprintf(stderr, "moonring check: note: workspace.library: %s\n",
                   problem.message().c_str());
      continue;
    }
    // A file or folder not checked is an error in the report too (CI must not read it as clean);
    // it goes to stderr with the files that could not be read, below.
    if (problem.kind == workspace::ProblemKind::missing_root ||
        problem.kind == workspace::ProblemKind::unreadable ||
        problem.kind == workspace::ProblemKind::too_large) {
      lua::FileReport& not_checked = reports.emplace_back();
      not_checked.path = problem.path;
      not_checked.load_error = problem.error;
    } else {
      std::fprintf(stderr, "moonring check: %s\n", problem.message().c_str());
    }
  }

  // Library files gave their definitions; they are not part of the report.
  for (const lua::FileReport& report : reports) {
    if (report.library && report.load_error) {
      std::fprintf(stderr, "moonring check: note: workspace.library: %s\n",
                   report.load_error->message().c_str());
    }
  }
  std::erase_if(reports, [](const lua::FileReport& r) { return r.library; });
  std::sort(reports.begin(), reports.end(),
            [](const lua::FileReport& a, const lua::FileReport& b) { return a.path < b.path; });
  for (const lua::FileReport& report : reports) {
    if (report.load_error) {
      std::fprintf(stderr, "moonring check: %s\n", report.load_error->message().c_str());
      io_error = true;
    }
  }
  write_report(args.format, reports,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  if (io_error) return 2;
  for (const lua::FileReport& report : reports) {
    for (const lua::ReportedDiagnostic& r : report.diagnostics)
      if (r.diagnostic.severity <= args.fail_on) return 1;
    for (const lua::UndefinedGlobalRead& read : report.undefined_globals)
      if (read.severity <= args.fail_on) return 1;
  }
  return 0;
}

}  // namespace moonring::app
