// Byte offsets <-> LSP positions: O(1) on ASCII lines and in UTF-8, a decoding walk over the
// line (8 ASCII bytes at a time) otherwise.
#include "workspace/documents/convert.hpp"

#include <algorithm>

#include "workspace/documents/errors.hpp"
#include "workspace/documents/utf8.hpp"

namespace moonring::workspace {
namespace {

const unsigned char* bytes(std::string_view text) noexcept {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// `offset` rounded down to the start of the code point it falls in; `line_start` bounds the
// look back. A continuation byte belongs to the sequence of the lead byte before it only when
// that whole sequence is well-formed and reaches it; otherwise it is a code point of its own.
size_t code_point_start(std::string_view text, size_t line_start, size_t offset) noexcept {
  const unsigned char* p = bytes(text);
  if (offset >= text.size() || !utf8::is_continuation(p[offset])) return offset;
  for (size_t back = 1; back <= 3 && back <= offset - line_start; ++back) {
    const unsigned char b = p[offset - back];
    if (utf8::is_continuation(b)) continue;
    const size_t length = utf8::unit_length(p + offset - back, p + text.size());
    return length > back ? offset - back : offset;
  }
  return offset;
}

uint32_t units_of(uint32_t byte_length, PositionEncoding encoding) noexcept {
  if (encoding == PositionEncoding::utf8) return byte_length;
  if (encoding == PositionEncoding::utf16) return byte_length == 4 ? 2 : 1;
  return 1;
}

}  // namespace

size_t units_between(std::string_view text, size_t from, size_t to,
                     PositionEncoding encoding) noexcept {
  const unsigned char* base = bytes(text);
  const unsigned char* p = base + from;
  const unsigned char* const stop = base + to;
  const unsigned char* const end = base + text.size();
  size_t units = 0;
  while (p < stop) {
    if (stop - p >= 8 && utf8::ascii8(p)) {
      p += 8;
      units += 8;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      ++units;
      continue;
    }
    const uint32_t length = utf8::unit_length(p, end);
    if (p + length > stop) break;  // `to` is inside this code point: round down
    p += length;
    units += units_of(length, encoding);
  }
  return units;
}

Position position_at(std::string_view text, const LineIndex& lines, size_t offset,
                     PositionEncoding encoding) noexcept {
  offset = std::min(offset, text.size());
  const size_t line = lines.line_of(offset);
  const size_t start = lines.line_start(line);
  offset = std::min(offset, lines.line_end(text, line));  // inside a terminator: the line's end
  size_t character;
  if (lines.is_ascii(line)) {
    character = offset - start;
  } else if (encoding == PositionEncoding::utf8) {
    character = code_point_start(text, start, offset) - start;
  } else {
    character = units_between(text, start, offset, encoding);
  }
  return Position{static_cast<uint32_t>(line), static_cast<uint32_t>(character)};
}

Result<size_t> offset_at(std::string_view text, const LineIndex& lines, Position position,
                         PositionEncoding encoding) {
  if (position.line >= lines.line_count()) {
    return document_error(DocumentErrc::past_end,
                          "position " + to_string(position) + ": the document has " +
                              std::to_string(lines.line_count()) + " lines");
  }
  const size_t start = lines.line_start(position.line);
  const size_t end = lines.line_end(text, position.line);
  const size_t wanted = position.character;
  if (lines.is_ascii(position.line)) return start + std::min(wanted, end - start);
  if (encoding == PositionEncoding::utf8) {
    return code_point_start(text, start, start + std::min(wanted, end - start));
  }
  const unsigned char* base = bytes(text);
  const unsigned char* p = base + start;
  const unsigned char* const stop = base + end;
  size_t units = 0;
  while (p < stop && units < wanted) {
    if (stop - p >= 8 && wanted - units >= 8 && utf8::ascii8(p)) {
      p += 8;
      units += 8;
      continue;
    }
    const uint32_t length = *p < 0x80 ? 1 : utf8::unit_length(p, stop);
    const uint32_t width = units_of(length, encoding);
    if (units + width > wanted) break;  // inside a surrogate pair: round down
    p += length;
    units += width;
  }
  return static_cast<size_t>(p - base);
}

Result<std::pair<size_t, size_t>> offsets_of(std::string_view text, const LineIndex& lines,
                                             Range range, PositionEncoding encoding) {
  if (range.end < range.start) {
    return document_error(DocumentErrc::inverted_range,
                          "range " + to_string(range.start) + "-" + to_string(range.end));
  }
  auto first = offset_at(text, lines, range.start, encoding);
  if (!first) return first.take_error();
  auto second = offset_at(text, lines, range.end, encoding);
  if (!second) return second.take_error();
  return std::pair{*first, *second};
}

}  // namespace moonring::workspace
