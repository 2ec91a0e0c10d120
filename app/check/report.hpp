// The three report formats of `moonring check`: text (as compilers print), JSON (LSP-style
// 0-based positions) and SARIF 2.1.0 (for GitHub code scanning).
#pragma once

#include <cstdio>
#include <span>
#include <string_view>

#include "lang/lua/services/check_workspace.hpp"

namespace moonring::app {

enum class ReportFormat { text, json, sarif };

struct CheckTotals {
  std::size_t files = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t others = 0;  // information and hints
  double seconds = 0;
};
CheckTotals count(std::span<const lua::FileReport> reports);

// `reports` sorted by path. Text ends with a summary line; JSON is one array; SARIF one log.
void write_text(std::FILE* out, std::span<const lua::FileReport> reports,
                const CheckTotals& totals);
void write_json(std::FILE* out, std::span<const lua::FileReport> reports);
void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports);

}  // namespace moonring::app
