// Protobuf's wire format read field by field (see scip_wire.hpp).
#include "app/index/scip_wire.hpp"

#include <cstdint>

namespace moonring::app {
namespace {

// Nested messages deeper than this are refused rather than followed (protobuf's own limit is
// 100): a SymbolInformation's signature is a Document, which holds SymbolInformation again.
constexpr int kMaxDepth = 64;

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

  bool varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const auto b = static_cast<unsigned char>(*p_++);
      out |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;  // more than ten bytes
  }
  bool skip(std::uint64_t n) {
    if (n > static_cast<std::uint64_t>(end_ - p_)) return false;
    p_ += n;
    return true;
  }
  bool bytes(std::string_view& out) {
    std::uint64_t n = 0;
    if (!varint(n) || n > static_cast<std::uint64_t>(end_ - p_)) return false;
    out = std::string_view(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

// Whether `bytes` are a well-formed message `m` at `depth`; a Document's relative_path (field
// 1) goes to `path` when asked for.
bool walk(std::string_view bytes, scip_schema::Message m, int depth, std::string_view* path) {
  if (depth > kMaxDepth) return false;
  Cursor c(bytes);
  while (!c.done()) {
    std::uint64_t tag = 0;
    if (!c.varint(tag)) return false;
    const std::uint64_t field = tag >> 3;
    if (field == 0 || field > 0x1FFFFFFF) return false;
    std::uint64_t ignored = 0;
    std::string_view payload;
    switch (tag & 7) {
      case 0:
        if (!c.varint(ignored)) return false;
        break;
      case 1:
        if (!c.skip(8)) return false;
        break;
      case 5:
        if (!c.skip(4)) return false;
        break;
      case 2: {
        if (!c.bytes(payload)) return false;
        scip_schema::Message inner{};
        if (scip_schema::embedded(m, static_cast<std::uint32_t>(field), inner) &&
            !walk(payload, inner, depth + 1, nullptr))
          return false;
        if (path != nullptr && field == 1) *path = payload;
        break;
      }
      default:  // groups (3, 4), which protobuf 3 never writes, and 6, 7
        return false;
    }
  }
  return true;
}

}  // namespace

bool well_formed(std::string_view bytes, scip_schema::Message m) {
  return walk(bytes, m, 0, nullptr);
}

std::optional<std::string_view> document_relative_path(std::string_view document) {
  std::string_view path;
  if (!walk(document, scip_schema::Message::document, 0, &path)) return std::nullopt;
  return path;
}

}  // namespace moonring::app
