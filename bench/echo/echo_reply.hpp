// The echo servers' whole protocol: turns received bytes into replies, shared so every server
// does identical work per request.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "bench/echo/echo_mode.hpp"
#include "bench/echo/frame_header.hpp"
#include "bench/echo/frame_scan.hpp"

namespace moonring::bench {

inline constexpr std::ptrdiff_t kBadRequest = -1;

// Appends to `out` the reply to every complete request at the start of `in` and returns how many
// bytes of `in` those requests used (the rest is a partial request to keep for the next read), or
// kBadRequest if the stream is not valid framing (the caller should drop the connection).
inline std::ptrdiff_t append_echo_replies(EchoMode mode, std::span<const char> in,
                                          std::string& out) {
  if (mode == EchoMode::kRaw) {
    out.append(in.data(), in.size());
    return static_cast<std::ptrdiff_t>(in.size());
  }
  std::size_t used = 0;
  for (;;) {
    const FrameScan scan = scan_frame(in.subspan(used));
    if (scan.status == FrameStatus::kBadHeader) return kBadRequest;
    if (scan.status == FrameStatus::kNeedMore) break;
    append_frame_header(out, scan.body_length);
    out.append(in.data() + used + scan.body_offset, scan.body_length);
    used += scan.consumed;
  }
  return static_cast<std::ptrdiff_t>(used);
}

}  // namespace moonring::bench
