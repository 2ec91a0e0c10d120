// An independent reference for the document tests: decodes UTF-8 by computing each code point's
// value and checking it (not by byte ranges, as utf8.hpp does), splits lines with a naive loop,
// and converts positions by walking code points one at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workspace/documents/position.hpp"

namespace moonring::workspace::reference {

struct CodePoint {
  size_t offset = 0;  // first byte
  size_t length = 0;  // bytes
  uint32_t value = 0xFFFD;
};

// Decodes one code point at text[i]: a well-formed sequence, or the single byte as U+FFFD.
inline CodePoint decode_one(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(text[k])); };
  const uint32_t b = byte(i);
  CodePoint invalid{i, 1, 0xFFFD};
  if (b < 0x80) return CodePoint{i, 1, b};
  size_t length;
  uint32_t value;
  if ((b >> 5) == 0x6) {
    length = 2, value = b & 0x1F;
  } else if ((b >> 4) == 0xE) {
    length = 3, value = b & 0x0F;
  } else if ((b >> 3) == 0x1E) {
    length = 4, value = b & 0x07;
  } else {
    return invalid;  // a continuation byte, or F8..FF
  }
  if (i + length > text.size()) return invalid;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) >> 6) != 0x2) return invalid;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < smallest[length]) return invalid;            // overlong
  if (value >= 0xD800 && value <= 0xDFFF) return invalid;  // a surrogate
  if (value > 0x10FFFF) return invalid;                    // beyond Unicode
  return CodePoint{i, length, value};
}

inline std::vector<CodePoint> decode(std::string_view text) {
  std::vector<CodePoint> out;
  for (size_t i = 0; i < text.size();) {
    out.push_back(decode_one(text, i));
    i += out.back().length;
  }
  return out;
}

inline size_t units(const CodePoint& cp, PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::utf8:
      return cp.length;
    case PositionEncoding::utf16:
      return cp.value >= 0x10000 ? 2 : 1;
    case PositionEncoding::utf32:
      return 1;
  }
  return 0;
}

struct Line {
  size_t start = 0;
  size_t end = 0;  // content end, before the terminator
};

inline std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      lines.push_back({start, i});
      i += 2;
      start = i;
    } else if (text[i] == '\r' || text[i] == '\n') {
      lines.push_back({start, i});
      i += 1;
      start = i;
    } else {
      ++i;
    }
  }
  lines.push_back({start, text.size()});
  return lines;
}

// The position of `offset`, by walking every code point of its line.
inline Position position_of(std::string_view text, size_t offset, PositionEncoding encoding) {
  const auto lines = split_lines(text);
  size_t line = 0;
  while (line + 1 < lines.size() && lines[line + 1].start <= offset) ++line;
  const size_t stop = offset < lines[line].end ? offset : lines[line].end;
  const std::string_view content = text.substr(0, lines[line].end);
  size_t character = 0;
  for (size_t i = lines[line].start; i < stop;) {
    CodePoint cp = decode_one(content, i);
    if (i + cp.length > stop) break;
    character += units(cp, encoding);
    i += cp.length;
  }
  return Position{static_cast<uint32_t>(line), static_cast<uint32_t>(character)};
}

// The offset of `position`; SIZE_MAX when its line does not exist.
inline size_t offset_of(std::string_view text, Position position, PositionEncoding encoding) {
  const auto lines = split_lines(text);
  if (position.line >= lines.size()) return SIZE_MAX;
  const Line line = lines[position.line];
  const std::string_view content = text.substr(0, line.end);
  size_t character = 0;
  size_t i = line.start;
  while (i < line.end) {
    CodePoint cp = decode_one(content, i);
    if (character + units(cp, encoding) > position.character) break;
    character += units(cp, encoding);
    i += cp.length;
  }
  return i;
}

// UTF-8 bytes of a code point (any value up to 0x10FFFF, surrogates too, for building invalid
// input), written by hand.
inline std::string encode(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

}  // namespace moonring::workspace::reference
