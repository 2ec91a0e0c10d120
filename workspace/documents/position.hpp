// Positions as LSP counts them: {line, character} in a negotiated encoding (LSP 3.17
// PositionEncodingKind "utf-8", "utf-16", "utf-32"), ranges, and the negotiation itself.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace moonring::workspace {

// What Position::character counts: UTF-8 code units (bytes), UTF-16 code units (the LSP
// default, which every server must support) or UTF-32 code units (code points).
enum class PositionEncoding : uint8_t { utf8, utf16, utf32 };

// "utf-8", "utf-16", "utf-32": the LSP names.
std::string_view encoding_name(PositionEncoding encoding) noexcept;
// The encoding an LSP name stands for; nullopt for a name that is not one of the three.
std::optional<PositionEncoding> parse_encoding(std::string_view name) noexcept;

// Picks the encoding for the initialize result from the client's general.positionEncodings
// (nullopt or empty when the client sent none): utf-8 if offered (positions are then byte
// offsets, no decoding), else utf-16 if offered, else utf-32 if offered; otherwise utf-16, which
// the spec says every client supports even when its list leaves it out.
PositionEncoding negotiate_encoding(std::span<const std::string_view> client_offers) noexcept;

// Zero-based line and character, as in LSP. A line ends at \n, \r\n or \r; the line
// terminator is not part of the line, so a position never points inside one.
struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  friend auto operator<=>(const Position&, const Position&) = default;
};

// [start, end), as in LSP.
struct Range {
  Position start;
  Position end;
  friend bool operator==(const Range&, const Range&) = default;
};

// "12:4", for error messages.
std::string to_string(Position position);

}  // namespace moonring::workspace
