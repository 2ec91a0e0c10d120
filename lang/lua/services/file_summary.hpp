// What the language service keeps of one analysed file once its tree is gone: its own
// diagnostics, the globals it assigns and its candidate undefined-global reads, with names owned
// (DESIGN.md: per-file summaries are the unit of the index). Finishing a summary against the
// globals the workspace assigns gives the file's diagnostics, as `moonring check` reports them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "lang/lua/services/check_workspace.hpp"
#include "lang/service/types.hpp"
#include "runtime/result.hpp"

namespace moonring::lua {

struct FileSummary {
  struct Read {
    std::uint32_t name = 0;  // in `read_names`
    Range range;
    LineCol start;
    LineCol end;
    std::uint32_t start_utf16 = 0;
    std::uint32_t end_utf16 = 0;
    Severity severity = Severity::Warning;
  };
  bool library = false;  // only its assigned globals count: never diagnosed
  std::optional<Error> load_error;
  std::vector<ReportedDiagnostic> diagnostics;  // no undefined-global
  std::vector<Read> reads;                      // in source order
  std::vector<std::string> read_names;          // each once
  std::vector<std::string> assigned;            // globals the file assigns, each once

  // Whether one of its reads names one of `names`.
  bool reads_any(const GlobalSet& names) const;
};

// Phase 1 of `text` under `options`; `inline_options`: whether its luacheck comments apply.
FileSummary summarise(std::string_view text, const WorkspaceCheckOptions& options,
                      bool inline_options, bool library);
// The same on a file analysed already (the service keeps open documents' trees for queries).
FileSummary summarise(const FileAnalysis& analysis, const WorkspaceCheckOptions& options,
                      bool inline_options, bool library);

// The file's diagnostics given the globals the workspace assigns, in the service's terms.
std::vector<service::Diagnostic> finish(const FileSummary& summary, const GlobalSet& assigned);

}  // namespace moonring::lua
