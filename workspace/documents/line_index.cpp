// The line index: a full build, and the incremental update after an edit.
#include "workspace/documents/line_index.hpp"

#include <algorithm>
#include <cstring>

#include "workspace/documents/utf8.hpp"

namespace moonring::workspace {
namespace {

const unsigned char* bytes(std::string_view text) noexcept {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Whether a line starts at q (1 <= q <= size): after a \n, or after a \r that no \n follows.
bool starts_line(std::string_view text, size_t q) noexcept {
  const char c = text[q - 1];
  return c == '\n' || (c == '\r' && (q == text.size() || text[q] != '\n'));
}

// Whether any of the 8 bytes of `word` equals `byte` (the classic zero-byte test on word ^ byte).
bool has_byte(uint64_t word, unsigned char byte) noexcept {
  const uint64_t v = word ^ (0x0101010101010101ull * byte);
  return ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull) != 0;
}

}  // namespace

bool LineIndex::ascii_between(std::string_view text, size_t from, size_t to) noexcept {
  return utf8::all_ascii(bytes(text) + from, bytes(text) + to);
}

void LineIndex::rebuild(std::string_view text) {
  starts_.assign(1, 0);
  ascii_.clear();
  const unsigned char* p = bytes(text);
  const size_t size = text.size();
  constexpr uint64_t high_bits = 0x8080808080808080ull;
  uint64_t seen = 0;  // the OR of the current line's bytes (and words)
  for (size_t i = 0; i < size;) {
    size_t limit = size;
    if (size - i >= 8) {
      uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if (!has_byte(word, '\n') && !has_byte(word, '\r')) {  // 8 bytes of one line
        seen |= word;
        i += 8;
        continue;
      }
      limit = i + 8;  // a line ends in these 8 bytes: take them one by one
    }
    for (; i < limit; ++i) {
      const unsigned char c = p[i];
      seen |= c;
      if (c != '\n' && c != '\r') continue;
      if (c == '\r' && i + 1 < size && p[i + 1] == '\n') ++i;
      ascii_.push_back((seen & high_bits) == 0);
      seen = 0;
      starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  ascii_.push_back((seen & high_bits) == 0);
}

size_t LineIndex::line_end(std::string_view text, size_t line) const noexcept {
  if (line + 1 == starts_.size()) return text.size();
  size_t end = starts_[line + 1] - 1;  // the terminator's last byte
  if (text[end] == '\n' && end > starts_[line] && text[end - 1] == '\r') --end;
  return end;
}

size_t LineIndex::line_of(size_t offset) const noexcept {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<size_t>(it - starts_.begin()) - 1;
}

void LineIndex::update(std::string_view text, size_t start, size_t removed, size_t inserted) {
  // A line start at p depends on the bytes at p - 1 and p only. Starts before `start` and after
  // the old end see the same bytes as before; those in [start, old end] are found again in
  // [start, new end] of the new text.
  const size_t old_end = start + removed, new_end = start + inserted;
  auto first = std::lower_bound(starts_.begin() + 1, starts_.end(), start);
  auto last = std::upper_bound(first, starts_.end(), old_end);
  const size_t first_i = static_cast<size_t>(first - starts_.begin());
  const size_t last_i = static_cast<size_t>(last - starts_.begin());

  std::vector<uint32_t> fresh;
  for (size_t q = std::max<size_t>(start, 1); q <= new_end; ++q)
    if (starts_line(text, q)) fresh.push_back(static_cast<uint32_t>(q));

  // The starts after the edit move by the size change (mod 2^32 arithmetic is exact here).
  const uint32_t delta = static_cast<uint32_t>(inserted - removed);
  for (auto it = last; it != starts_.end(); ++it) *it += delta;

  const size_t gone = last_i - first_i;
  if (fresh.size() <= gone) {
    std::copy(fresh.begin(), fresh.end(), starts_.begin() + first_i);
    starts_.erase(starts_.begin() + first_i + fresh.size(), starts_.begin() + last_i);
    ascii_.erase(ascii_.begin() + first_i + fresh.size(), ascii_.begin() + last_i);
  } else {
    std::copy(fresh.begin(), fresh.begin() + gone, starts_.begin() + first_i);
    starts_.insert(starts_.begin() + last_i, fresh.begin() + gone, fresh.end());
    ascii_.insert(ascii_.begin() + last_i, fresh.size() - gone, 1);
  }

  // The lines whose bytes changed: from the one holding `start` to the one holding the new end.
  const size_t lo = line_of(start), hi = line_of(new_end);
  for (size_t line = lo; line <= hi; ++line) {
    const size_t to = line + 1 < starts_.size() ? starts_[line + 1] : text.size();
    ascii_[line] = ascii_between(text, starts_[line], to);
  }
}

}  // namespace moonring::workspace
