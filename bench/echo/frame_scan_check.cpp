// Self-check of the echo bench's frame scanner and reply builder; run.sh runs it before measuring.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "bench/echo/echo_reply.hpp"
#include "bench/echo/frame_scan.hpp"

namespace {

using moonring::bench::EchoMode;
using moonring::bench::FrameStatus;

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "frame_scan_check: FAILED: %s\n", what);
    ++failures;
  }
}

moonring::bench::FrameScan scan(std::string_view text) {
  return moonring::bench::scan_frame(std::span<const char>(text.data(), text.size()));
}

void check_scan() {
  auto s = scan("Content-Length: 5\r\n\r\nhello+rest");
  expect(s.status == FrameStatus::kFrame, "simple frame");
  expect(s.body_offset == 21 && s.body_length == 5 && s.consumed == 26, "simple offsets");

  s = scan("content-LENGTH:3\r\nContent-Type: application/vscode-jsonrpc\r\n\r\nabc");
  expect(s.status == FrameStatus::kFrame && s.body_length == 3, "case and extra header");

  s = scan("Content-Type: x\r\nContent-Length:  \t7 \r\n\r\n1234567");
  expect(s.status == FrameStatus::kFrame && s.body_length == 7, "header order and blanks");

  expect(scan("").status == FrameStatus::kNeedMore, "empty");
  expect(scan("Content-Len").status == FrameStatus::kNeedMore, "partial header");
  expect(scan("Content-Length: 5\r\n\r\nhel").status == FrameStatus::kNeedMore, "partial body");
  expect(scan("Content-Length: 0\r\n\r\n").status == FrameStatus::kFrame, "empty body");

  expect(scan("Content-Type: x\r\n\r\nabc").status == FrameStatus::kBadHeader, "no length");
  expect(scan("Content-Length: 5x\r\n\r\n").status == FrameStatus::kBadHeader, "bad digits");
  expect(scan("Content-Length: \r\n\r\n").status == FrameStatus::kBadHeader, "empty value");
  expect(scan("garbage\r\n\r\n").status == FrameStatus::kBadHeader, "no colon");
  expect(scan("Content-Length: 99999999999999999999\r\n\r\n").status == FrameStatus::kBadHeader,
         "overflow");
  expect(scan("Content-Length: 1\r\ncontent-length: 2\r\n\r\nab").status == FrameStatus::kBadHeader,
         "conflicting lengths");
  expect(scan(std::string(moonring::bench::kMaxFrameHeaderBytes + 1, 'x')).status ==
             FrameStatus::kBadHeader,
         "overlong header");
}

void check_replies() {
  const std::string two =
      "Content-Length: 2\r\n\r\nhiCONTENT-LENGTH:3\r\nX: y\r\n\r\nabcContent-Le";
  std::string out;
  const auto used = moonring::bench::append_echo_replies(
      EchoMode::kFramed, std::span<const char>(two.data(), two.size()), out);
  expect(used == static_cast<std::ptrdiff_t>(two.size() - 10), "framed bytes used");
  expect(out == "Content-Length: 2\r\n\r\nhiContent-Length: 3\r\n\r\nabc", "framed replies");

  const std::string bad = "nonsense\r\n\r\n";
  out.clear();
  expect(moonring::bench::append_echo_replies(EchoMode::kFramed,
                                              std::span<const char>(bad.data(), bad.size()),
                                              out) == moonring::bench::kBadRequest,
         "framed bad request");

  out.clear();
  expect(moonring::bench::append_echo_replies(EchoMode::kRaw,
                                              std::span<const char>(bad.data(), bad.size()),
                                              out) == static_cast<std::ptrdiff_t>(bad.size()) &&
             out == bad,
         "raw echo");
}

}  // namespace

int main() {
  check_scan();
  check_replies();
  if (failures != 0) return 1;
  std::puts("frame_scan_check: ok");
  return 0;
}
