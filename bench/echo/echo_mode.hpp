// The two echo bench protocols (LSP-framed or raw bytes) and their command-line spelling.
#pragma once

#include <optional>
#include <string_view>

namespace moonring::bench {

enum class EchoMode { kFramed, kRaw };

inline std::optional<EchoMode> parse_echo_mode(std::string_view text) {
  if (text == "framed") return EchoMode::kFramed;
  if (text == "raw") return EchoMode::kRaw;
  return std::nullopt;
}

inline const char* echo_mode_name(EchoMode mode) {
  return mode == EchoMode::kFramed ? "framed" : "raw";
}

}  // namespace moonring::bench
