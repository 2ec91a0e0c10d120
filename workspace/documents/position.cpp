// LSP position encoding names and their negotiation.
#include "workspace/documents/position.hpp"

namespace moonring::workspace {

std::string_view encoding_name(PositionEncoding encoding) noexcept {
  switch (encoding) {
    case PositionEncoding::utf8:
      return "utf-8";
    case PositionEncoding::utf16:
      return "utf-16";
    case PositionEncoding::utf32:
      return "utf-32";
  }
  return "utf-16";
}

std::optional<PositionEncoding> parse_encoding(std::string_view name) noexcept {
  if (name == "utf-8") return PositionEncoding::utf8;
  if (name == "utf-16") return PositionEncoding::utf16;
  if (name == "utf-32") return PositionEncoding::utf32;
  return std::nullopt;
}

PositionEncoding negotiate_encoding(std::span<const std::string_view> client_offers) noexcept {
  bool utf16 = false, utf32 = false;
  for (std::string_view offer : client_offers) {
    auto encoding = parse_encoding(offer);
    if (!encoding) continue;  // a kind from a later LSP version: not ours to pick
    if (*encoding == PositionEncoding::utf8) return PositionEncoding::utf8;
    utf16 |= *encoding == PositionEncoding::utf16;
    utf32 |= *encoding == PositionEncoding::utf32;
  }
  if (!utf16 && utf32) return PositionEncoding::utf32;
  return PositionEncoding::utf16;
}

std::string to_string(Position position) {
  return std::to_string(position.line) + ":" + std::to_string(position.character);
}

}  // namespace moonring::workspace
