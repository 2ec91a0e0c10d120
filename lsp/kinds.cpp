#include "lsp/kinds.hpp"

namespace moonring::lsp {

int symbol_kind(service::OutlineKind kind) {
  switch (kind) {
    case service::OutlineKind::function:
      return 12;
    case service::OutlineKind::method:
      return 6;
    case service::OutlineKind::variable:
      return 13;
    case service::OutlineKind::constant:
      return 14;
    case service::OutlineKind::field:
      return 8;
    case service::OutlineKind::module:
      return 2;
  }
  return 13;
}

int completion_item_kind(service::CompletionKind kind) {
  using K = service::CompletionKind;
  switch (kind) {
    case K::local:
    case K::parameter:
    case K::global:
      return 6;  // Variable
    case K::function:
      return 3;
    case K::field:
      return 5;
    case K::method:
      return 2;
    case K::module:
      return 9;
    case K::keyword:
      return 14;
    case K::snippet:
      return 15;
  }
  return 1;
}

}  // namespace moonring::lsp
