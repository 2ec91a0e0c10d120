// Pass 2 of `moonring index`: one file's occurrences, symbols, hover documentation and
// diagnostics, from the same lang/lua/query functions the language server answers with. Each
// identifier gets the symbol its references share; definitions are marked so that, read as
// docs/index.md says, the index gives the server's definition and references at every name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/lua/index/scip_symbol.hpp"
#include "lang/lua/index/workspace_facts.hpp"
#include "lang/lua/services/check_workspace.hpp"
#include "lang/service/types.hpp"

namespace moonring::lua::index {

enum class SymbolKind : std::uint8_t {
  local,
  parameter,
  global,
  field,
  method,
  label,
  module_member
};

struct IndexSymbol {
  std::string symbol;        // SCIP's symbol string
  std::string display_name;  // the name as written
  SymbolKind kind = SymbolKind::local;
  bool function = false;
  bool defined_here = false;  // one of this document's occurrences defines it
  std::string documentation;  // hover markdown (where it is defined here, or a local)
};

struct IndexOccurrence {
  service::Span span;
  std::uint32_t symbol = 0;  // in IndexedDocument::symbols
  bool definition = false;
  bool write = false;
  // Not a name of its own: a method's implicit `self` defined at the method's name, which the
  // occurrence before it (same range) is.
  bool implicit = false;
};

struct IndexedDocument {
  std::string path;           // absolute
  std::string relative_path;  // to the package root, `/`-separated
  std::vector<IndexSymbol> symbols;
  std::vector<IndexOccurrence> occurrences;  // in source order (an implicit one after its name's)
  std::vector<service::Diagnostic> diagnostics;
};

struct DocumentInput {
  std::string path;
  std::string relative_path;
  std::string text;
  const WorkspaceCheckOptions* options = nullptr;
  bool inline_options = true;
};

// The relative path of `path` under the first of `roots` that holds it (else `path` without its
// leading `/`).
std::string relative_to(const std::vector<std::string>& roots, std::string_view path);

IndexedDocument index_document(DocumentInput input, const WorkspaceFacts& facts,
                               const Package& package, const std::vector<std::string>& roots);

}  // namespace moonring::lua::index
