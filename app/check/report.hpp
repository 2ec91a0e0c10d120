// The three report formats of `moonring check`: text (as compilers print), JSON (LSP-style
// 0-based positions) and SARIF 2.1.0 (for GitHub code scanning). Each is written as it goes (no
// document is built first: the report must not cost more than the check), in pieces formatted on
// every CPU and written in order (report_pieces.hpp).
// A file that was not checked (over the size limit, unreadable, missing) is an error in every
// format, with the code `file-not-checked`.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "lang/lua/services/check_workspace.hpp"

namespace moonring::app {

enum class ReportFormat { text, json, sarif };

// The code of a file that was not checked, beside the checker's codes.
inline constexpr std::string_view kNotCheckedCode = "file-not-checked";

// What the text report's summary line counts.
struct CheckTotals {
  std::size_t files = 0;        // checked
  std::size_t not_checked = 0;  // counted in errors too
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t others = 0;  // information and hints
  double seconds = 0;
};

// Why a report's file was not checked, or "" when it was.
std::string not_checked_reason(const lua::FileReport& report);

// How a report is formatted: in pieces of about `piece_items` findings, on `threads` threads (0:
// one per CPU allowed). The output does not depend on either.
struct ReportLayout {
  std::size_t piece_items = 2048;
  unsigned threads = 0;
};

// `reports` sorted by path. Text ends with a summary line (`seconds` the run's time so far),
// whose counts write_text returns; JSON is one array; SARIF one log.
CheckTotals write_text(std::FILE* out, std::span<const lua::FileReport> reports, double seconds,
                       const ReportLayout& layout = {});
void write_json(std::FILE* out, std::span<const lua::FileReport> reports,
                const ReportLayout& layout = {});
void write_sarif(std::FILE* out, std::span<const lua::FileReport> reports,
                 const ReportLayout& layout = {});

// Writes `text` at `out` as ReportOut::terminal_text does (at most terminal_text_room bytes);
// returns the end of what it wrote.
constexpr std::size_t terminal_text_room(std::size_t size) {
  return 4 * size;
}
char* write_terminal_text(char* out, std::string_view text);
// Appends `text` to `out` as ReportOut::terminal_text writes it.
void append_terminal_text(std::string& out, std::string_view text);

// A growable byte buffer whose room, unlike a std::string's, is not zeroed before it is written:
// the formatters write each finding through one room() and commit().
class ReportBuffer {
 public:
  ReportBuffer() { grow(4096); }

  // At least n writable bytes at the end; write them, then commit() the new end.
  char* room(std::size_t n) {
    if (static_cast<std::size_t>(limit_ - end_) < n) grow(n);
    return end_;
  }
  void commit(char* end) { end_ = end; }
  void append(std::string_view text) {
    char* p = room(text.size());
    std::memcpy(p, text.data(), text.size());
    end_ = p + text.size();
  }
  std::size_t size() const { return static_cast<std::size_t>(end_ - data_.get()); }
  std::string_view view() const { return {data_.get(), size()}; }
  void clear() { end_ = data_.get(); }

 private:
  void grow(std::size_t n);
  std::unique_ptr<char[]> data_;
  char* end_ = nullptr;
  char* limit_ = nullptr;
};

// Writes a finding into the room a ReportBuffer gave (room(), then commit(w.p)): one bounds check
// for the whole finding instead of one per part. The caller sizes the room.
struct RoomWriter {
  char* p;
  RoomWriter& operator<<(std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
    return *this;
  }
  RoomWriter& operator<<(char c) {
    *p++ = c;
    return *this;
  }
  RoomWriter& operator<<(std::uint64_t n) {
    p = std::to_chars(p, p + 20, n).ptr;
    return *this;
  }
  // A JSON string as ReportOut::json_string writes it; room: 6 bytes a byte of `text`, + 2.
  void json_string(std::string_view text);
};

// The writers' buffer: text appended, written out to a file in large pieces, or kept in a
// buffer (a report's piece, written later).
class ReportOut {
 public:
  explicit ReportOut(std::FILE* out) : out_(out), buffer_(own_) {}
  explicit ReportOut(ReportBuffer& into) : out_(nullptr), flush_at_(SIZE_MAX), buffer_(into) {}
  ~ReportOut() { flush(); }
  ReportOut(const ReportOut&) = delete;
  ReportOut& operator=(const ReportOut&) = delete;

  ReportOut& operator<<(std::string_view text) {
    buffer_.append(text);
    return flushed();
  }
  ReportOut& operator<<(char c) {
    char* p = buffer_.room(1);
    *p = c;
    buffer_.commit(p + 1);
    return flushed();
  }
  ReportOut& operator<<(std::uint64_t n) {
    char* p = buffer_.room(20);
    buffer_.commit(std::to_chars(p, p + 20, n).ptr);
    return flushed();
  }
  // A JSON string, quotes included: control bytes escaped, invalid UTF-8 as U+FFFD.
  void json_string(std::string_view text);
  // Text for a terminal: control bytes (C0, DEL, C1) and invalid UTF-8 as \xNN, so that a file's
  // bytes quoted in a message (ESC, BEL) cannot drive the terminal.
  void terminal_text(std::string_view text);
  // Writes out what is buffered (nothing to do when the buffer is a piece's).
  void flush();
  ReportBuffer& buffer() { return buffer_; }

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  ReportOut& flushed() {
    if (buffer_.size() >= flush_at_) flush();
    return *this;
  }
  std::FILE* out_;
  std::size_t flush_at_ = kFlushAt;
  ReportBuffer own_;  // the buffer when writing to a file
  ReportBuffer& buffer_;
};

}  // namespace moonring::app
