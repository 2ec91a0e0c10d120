// Reading a SCIP file field by field (the top level of scip.Index), one document at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "runtime/result.hpp"

namespace moonring::app {

class ScipReader {
 public:
  static Result<ScipReader> open(const std::string& path);
  ScipReader(ScipReader&& other) noexcept;
  ScipReader& operator=(ScipReader&&) = delete;
  ~ScipReader();

  struct Field {
    int number = 0;     // 1 metadata, 2 documents, 3 external_symbols
    std::string bytes;  // the field's payload
  };
  // The next length-delimited field; nullopt at the end; an error on a truncated or
  // malformed file.
  Result<std::optional<Field>> next();

 private:
  ScipReader(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  Result<std::optional<std::uint64_t>> varint(bool at_start);
  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace moonring::app
