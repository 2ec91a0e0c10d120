// Checking many Lua files on every core of a runtime: each core parses, binds and checks the
// files it takes and frees each tree at once (phase 1), the globals each file assigns are merged
// (phase 2), then the reads of globals that no file assigns become undefined-global (phase 3). A
// file's tree never leaves the core that built it, and a core's memory is reused file by file.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "runtime/result.hpp"
#include "workspace/map/async_file.hpp"
#include "workspace/map/file_feed.hpp"

namespace moonring {
class Runtime;
}

namespace moonring::lua {

inline constexpr std::uint32_t kNoSubject = 0xFFFFFFFFu;

// A diagnostic as reports print it: positions in both units the formats use. An undefined-global
// found workspace-wide has no message but its name (`subject`, an index into its FileReport's
// subjects); message() builds the text as it is printed (a file can have a million of them).
struct ReportedDiagnostic {
  Diagnostic diagnostic;          // 1-based lines, 1-based byte columns
  std::uint32_t start_utf16 = 0;  // 0-based UTF-16 column of the start (LSP, SARIF)
  std::uint32_t end_utf16 = 0;    // 0-based UTF-16 column of the end
  std::uint32_t subject = kNoSubject;
  std::uint32_t related_start_utf16 = 0;  // the same for diagnostic.related, when it has one
  std::uint32_t related_end_utf16 = 0;
};

// Files pushed into the feed with this tag are library files (.luarc.json's workspace.library):
// read for the globals they assign, which count as defined everywhere, and never diagnosed.
inline constexpr std::uint8_t kLibraryFile = 1;

// An undefined global found workspace-wide, kept compactly (a file can have a million of them,
// and a ReportedDiagnostic is several times this size): for_each_diagnostic shows it as one.
struct UndefinedGlobalRead {
  Range range;
  LineCol start;
  LineCol end;
  std::uint32_t start_utf16 = 0;
  std::uint32_t end_utf16 = 0;
  std::uint32_t subject = 0;  // its name: an index into its FileReport's subjects
  Severity severity = Severity::Warning;
};

struct FileReport {
  std::string path;
  bool library = false;                                // kLibraryFile: never has diagnostics
  std::optional<Error> load_error;                     // the file could not be read: no diagnostics
  std::vector<ReportedDiagnostic> diagnostics;         // sorted by position; no undefined-global
  std::vector<UndefinedGlobalRead> undefined_globals;  // sorted by position
  std::vector<std::string> subjects;  // the names of its undefined globals, once each

  std::size_t diagnostic_count() const { return diagnostics.size() + undefined_globals.size(); }
};

// Whether diagnostic_order puts `d` after the undefined global `read` (at one position, by
// code; equal ones keep `d` first).
inline bool orders_after(const UndefinedGlobalRead& read, const Diagnostic& d) {
  return read.range.start < d.range.start ||
         (read.range.start == d.range.start && DiagnosticCode::UndefinedGlobal < d.code);
}

// for_each_diagnostic from the merge's state (from_diagnostic, from_global) to (to_diagnostic,
// to_global): a part of the report, for writers that format parts in parallel. The states must
// be ones the whole merge passes through.
template <typename F>
void for_each_diagnostic_between(const FileReport& report, std::size_t from_diagnostic,
                                 std::size_t from_global, std::size_t to_diagnostic,
                                 std::size_t to_global, F&& f) {
  ReportedDiagnostic global;
  global.diagnostic.code = DiagnosticCode::UndefinedGlobal;
  const ReportedDiagnostic* next = report.diagnostics.data() + from_diagnostic;
  const ReportedDiagnostic* const stop = report.diagnostics.data() + to_diagnostic;
  for (std::size_t g = from_global; g < to_global; ++g) {
    const UndefinedGlobalRead& read = report.undefined_globals[g];
    // The others that order before it, or equal it (a stable merge keeps them first).
    for (; next != stop && !orders_after(read, next->diagnostic); ++next) f(*next);
    global.diagnostic.severity = read.severity;
    global.diagnostic.range = read.range;
    global.diagnostic.start = read.start;
    global.diagnostic.end = read.end;
    global.start_utf16 = read.start_utf16;
    global.end_utf16 = read.end_utf16;
    global.subject = read.subject;
    f(static_cast<const ReportedDiagnostic&>(global));
  }
  for (; next != stop; ++next) f(*next);
}

// Calls f(const ReportedDiagnostic&) for each diagnostic of `report` in diagnostic_order: its
// `diagnostics` and its undefined globals merged (at one position, by code; equal ones in that
// order). An undefined global is shown through one reused ReportedDiagnostic, valid during the
// call only, with no message but its `subject` (message() builds the text).
template <typename F>
void for_each_diagnostic(const FileReport& report, F&& f) {
  for_each_diagnostic_between(report, 0, 0, report.diagnostics.size(),
                              report.undefined_globals.size(), f);
}

// The message of one of `report`'s diagnostics; `scratch` holds it when it is built.
std::string_view message(const FileReport& report, const ReportedDiagnostic& r,
                         std::string& scratch);

struct WorkspaceCheckOptions {
  LuaVersion version = LuaVersion::Lua54;
  // The standard library of the version plus configured globals (see CheckOptions).
  std::function<bool(std::string_view)> is_known_global;
  DiagnosticPolicy policy;
  // Drops a diagnostic about a named variable (unused-*, shadowing, undefined-global,
  // assign-to-const: their range is the name) when it says so; luacheck's `ignore = {"212/self"}`.
  // `luacheck_code` is luacheck's own code for it where ours covers several (luacheck_code.hpp),
  // else "". Unset: nothing is dropped.
  std::function<bool(DiagnosticCode, std::string_view name, std::string_view luacheck_code)>
      is_ignored;
  // Whether files' own luacheck comments ("-- luacheck: ignore 212") apply; luacheck's
  // --no-inline turns them off for the whole run (read from the top-level options only).
  bool inline_options = true;
  // Called once per file analysed (phase 1), from any core: keep it cheap and thread-safe.
  std::function<void()> on_file_analysed;
  // Set: the options for each file, by its path (luacheck's files["glob"] overrides), from any
  // core; the version, policy, known globals and ignore rules come from what it returns, which
  // must outlive the check. Unset: these options for every file.
  std::function<const WorkspaceCheckOptions&(std::string_view path)> for_file;
};

// Checks the files of `feed` (in flight in the loader) on every core of `runtime`, starting on the
// first while more are still being pushed; returns once the feed is closed and every file is
// checked, with the reports in the feed's order. Call from a thread outside the runtime.
std::vector<FileReport> check_workspace(Runtime& runtime, FileFeed& feed,
                                        const WorkspaceCheckOptions& options);
// The same for files all known beforehand; the reports come back in the order of `files`.
std::vector<FileReport> check_workspace(Runtime& runtime, std::vector<AsyncFile> files,
                                        const WorkspaceCheckOptions& options);

}  // namespace moonring::lua
