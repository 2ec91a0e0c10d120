// LSP's numeric kinds for the service's enums (SymbolKind for outlines, CompletionItemKind), in
// one place for every handler that answers with them.
#pragma once

#include "lang/service/types.hpp"

namespace moonring::lsp {

int symbol_kind(service::OutlineKind kind);
int completion_item_kind(service::CompletionKind kind);

}  // namespace moonring::lsp
