// The three report formats of `moonring check`: text (as compilers print), JSON (LSP-style
// 0-based positions) and SARIF 2.1.0 (for GitHub code scanning). Each is written as it goes
// through one buffer (no document is built first: the report must not cost more than the check).
// A file that was not checked (over the size limit, unreadable, missing) is an error in every
// format, with the code `file-not-checked`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "lang/lua/services/check_workspace.hpp"

namespace moonring::app {

enum class ReportFormat { text, json, sarif };

// The code of a file that was not checked, beside the checker's codes.
inline constexpr std::string_view kNotCheckedCode = "file-not-checked";

struct CheckTotals {
  std::size_t files = 0;        // checked
  std::size_t not_checked = 0;  // counted in errors too
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t others = 0;  // information and hints
  double seconds = 0;
};
CheckTotals count(std::span<const lua::FileReport> reports);

// Why a report's file was not checked, or "" when it was.
std::string not_checked_reason(const lua::FileReport& report);

// `reports` sorted by path. Text ends with a summary line; JSON is one array; SARIF one log.
void write_text(std::FILE* out, std::span<const lua::FileReport> reports,
                const CheckTotals& totals);
void write_json(std::FILE* out, std::span<const lua::FileReport> reports);
void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports);

// Appends `text` to `out` as ReportOut::terminal_text writes it.
void append_terminal_text(std::string& out, std::string_view text);

// The writers' buffer: text appended, written out in large pieces.
class ReportOut {
 public:
  explicit ReportOut(std::FILE* out) : out_(out) { buffer_.reserve(kFlushAt + 4096); }
  ~ReportOut() { flush(); }
  ReportOut(const ReportOut&) = delete;
  ReportOut& operator=(const ReportOut&) = delete;

  ReportOut& operator<<(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= kFlushAt) flush();
    return *this;
  }
  ReportOut& operator<<(char c) { return *this << std::string_view(&c, 1); }
  ReportOut& operator<<(std::uint64_t n);
  // A JSON string, quotes included: control bytes escaped, invalid UTF-8 as U+FFFD.
  void json_string(std::string_view text);
  // Text for a terminal: control bytes (C0, DEL, C1) and invalid UTF-8 as \xNN, so that a file's
  // bytes quoted in a message (ESC, BEL) cannot drive the terminal.
  void terminal_text(std::string_view text);
  void flush();

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  std::FILE* out_;
  std::string buffer_;
};

}  // namespace moonring::app
