// The top-level fields of a SCIP file: varint tag, varint length, payload.
#include "app/index/scip_reader.hpp"

#include <cerrno>
#include <system_error>

namespace moonring::app {
namespace {

Error bad(const std::string& path, const char* what) {
  return Error{std::make_error_code(std::errc::illegal_byte_sequence), path + ": " + what};
}

}  // namespace

Result<ScipReader> ScipReader::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Error{std::error_code(errno, std::generic_category()), "open " + path};
  return ScipReader(f, path);
}

ScipReader::ScipReader(ScipReader&& other) noexcept
    : file_(other.file_), path_(std::move(other.path_)) {
  other.file_ = nullptr;
}

ScipReader::~ScipReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<std::optional<std::uint64_t>> ScipReader::varint(bool at_start) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    int c = std::fgetc(file_);
    if (c == EOF) {
      if (at_start && shift == 0) return std::optional<std::uint64_t>{};
      return bad(path_, "truncated varint");
    }
    v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) return std::optional<std::uint64_t>(v);
  }
  return bad(path_, "varint too long");
}

Result<std::optional<ScipReader::Field>> ScipReader::next() {
  auto tag = varint(true);
  if (!tag) return tag.error();
  if (!*tag) return std::optional<Field>{};
  if ((**tag & 7) != 2) return bad(path_, "a top-level field that is not length-delimited");
  auto length = varint(false);
  if (!length) return length.error();
  Field field;
  field.number = static_cast<int>(**tag >> 3);
  field.bytes.resize(**length);
  if (**length != 0 && std::fread(field.bytes.data(), 1, **length, file_) != **length)
    return bad(path_, "truncated field");
  return std::optional<Field>(std::move(field));
}

}  // namespace moonring::app
