// LSIF 0.6 (JSON lines) from the same documents as SCIP: a resultSet per symbol (per document for
// a local), ranges pointing at it, hover, definition and reference results, monikers for what
// other packages can name, and each document's diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/lua/index/document_index.hpp"

namespace moonring::app {

class LsifWriter {
 public:
  // Lines are appended to `out` (the caller writes it out as it grows).
  LsifWriter(std::string& out, std::string_view project_root_uri, std::string_view tool_version);
  void document(const lua::index::IndexedDocument& doc);
  // The definition and reference results, which need every document's ranges.
  void finish();

 private:
  struct Use {
    std::uint64_t document;
    std::uint64_t range;
    bool definition;
  };
  struct Set {
    std::uint64_t id;
    std::vector<Use> uses;
  };
  std::uint64_t vertex(std::string_view label, std::string_view rest = {});
  void edge(std::string_view label, std::uint64_t out_v, std::string_view in,
            std::string_view rest = {});
  void finish_set(Set& set);

  std::string& out_;
  std::string root_;
  std::uint64_t next_ = 1;
  std::uint64_t project_ = 0;
  std::vector<std::uint64_t> documents_;
  std::unordered_map<std::string, Set> shared_;  // workspace symbols, by SCIP symbol
};

}  // namespace moonring::app
