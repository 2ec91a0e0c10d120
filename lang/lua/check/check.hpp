// The Lua checker in three phases, so a workspace can be checked file by file on many cores:
//   1. analyze(source) per file: parse + bind (FileAnalysis);
//   2. merge the globals each file assigns into one GlobalSet (add_assigned_globals);
//   3. check(analysis, options) per file: its diagnostics, sorted by position.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lang/lua/check/diagnostic.hpp"
#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/parser.hpp"

namespace moonring::lua {

// Phase 1. The binding refers to the tree inside `parsed`; a FileAnalysis is movable, not copyable
// (moving keeps the tree's storage where it is).
struct FileAnalysis {
  ParseResult parsed;
  FileBinding binding;
};
FileAnalysis analyze(std::string_view source, LuaVersion version);
// The same on a tree that views `source` (parse_view): `source` must outlive the analysis.
FileAnalysis analyze_view(std::string_view source, LuaVersion version);
// analyze_view for the checker alone: the binding has no refs (no rule reads them).
FileAnalysis analyze_view_for_check(std::string_view source, LuaVersion version);

// A set of global names (owning its strings) with lookup by string_view.
class GlobalSet {
 public:
  void add(std::string_view name) {
    if (!names_.contains(name)) names_.emplace(name);
  }
  bool contains(std::string_view name) const { return names_.contains(name); }
  void merge(const GlobalSet& other) {
    for (const std::string& n : other.names_) add(n);
  }
  std::size_t size() const { return names_.size(); }
  template <typename F>
  void for_each(F f) const {
    for (const std::string& n : names_) f(n);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
};

// Phase 2: the globals a file assigns (x = ..., function x() end, _ENV.x = ... in 5.2+).
void add_assigned_globals(const FileAnalysis& file, GlobalSet& into);

struct CheckOptions {
  // Names known without being assigned: the standard library of the version plus configured
  // globals. Unset: no name is known.
  std::function<bool(std::string_view)> is_known_global;
  // Globals assigned anywhere in the checked files (phase 2). Null: only this file's.
  const GlobalSet* assigned_globals = nullptr;
  DiagnosticPolicy policy;
};

// Phase 3.
std::vector<Diagnostic> check(const FileAnalysis& file, const CheckOptions& options);

// The order of check()'s output: by position, then by code.
bool diagnostic_order(const Diagnostic& a, const Diagnostic& b);

// Phases 1 and 3 for a workspace that frees each tree as soon as it is analysed (so a core's
// memory is reused file after file): check_deferred runs every rule but undefined-global and
// keeps that rule's candidates (reads of names neither known nor assigned in the file itself) with
// their positions; once every file's assignments are merged, those whose name is still not
// assigned anywhere stand (undefined_global_diagnostic; merge them in with diagnostic_order). A
// read holds no message: a file can have a million of them, most of which a workspace assigns.
struct PendingGlobalRead {
  std::string_view name;  // in the tree's name table: valid while the FileAnalysis lives
  Severity severity = Severity::Warning;
  Range range;  // the name
  LineCol start;
  LineCol end;
  NameId name_id = kNoNode;  // `name`'s id in the tree; kNoNode for an _ENV["x"] key
};
Diagnostic undefined_global_diagnostic(const PendingGlobalRead& read);
// Sets `out` to "undefined global 'NAME'" (its capacity reused: reports build a million).
void undefined_global_message(std::string_view name, std::string& out);
struct DeferredCheck {
  std::vector<Diagnostic> diagnostics;  // in diagnostic_order; no undefined-global
  std::vector<PendingGlobalRead> global_reads;
};
DeferredCheck check_deferred(const FileAnalysis& file, const CheckOptions& options);
// The same without a vector of the candidates: each is handed to `visit` as it is found, in
// source order (a file can have a million; a workspace check stores them compactly).
std::vector<Diagnostic> check_deferred(const FileAnalysis& file, const CheckOptions& options,
                                       const std::function<void(const PendingGlobalRead&)>& visit);

}  // namespace moonring::lua
