// Phase 1 of checking one file (check_workspace.hpp's three phases), as `moonring check` and the
// language service both run it: the file's own diagnostics after the ignore rules and its inline
// options, and the reads of globals that only the whole workspace can judge.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "lang/lua/services/check_workspace.hpp"

namespace moonring::lua {

// A read of a global neither known nor assigned in its file, that no ignore rule drops: an
// undefined-global unless some file of the workspace assigns the name.
struct CandidateRead {
  std::string_view name;  // in the analysed tree's name table: valid while the analysis lives
  Range range;
  LineCol start;
  LineCol end;
  std::uint32_t start_utf16 = 0;
  std::uint32_t end_utf16 = 0;
  Severity severity = Severity::Warning;
};

struct FileCheck {
  std::vector<ReportedDiagnostic> diagnostics;  // sorted, no undefined-global
  std::vector<CandidateRead> reads;             // in source order
  void clear() {
    diagnostics.clear();
    reads.clear();
  }
};

// Checks `analysis` with `options` (the file's own, after files["glob"] overrides) into `out`,
// which is cleared first; `inline_options`: whether the file's luacheck comments apply.
void check_file(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                bool inline_options, FileCheck& out);
// The same, handing each candidate read to `visit` (with its name's id in the tree, kNoNode for
// an _ENV["x"] key) instead of storing it in out.reads, which stays empty.
void check_file(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                bool inline_options, FileCheck& out,
                const std::function<void(const CandidateRead&, NameId)>& visit);

// The undefined-global diagnostic of a candidate whose name no file assigns, with its message.
ReportedDiagnostic undefined_global(const CandidateRead& read);

}  // namespace moonring::lua
