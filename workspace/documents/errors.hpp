// Error codes of the open-document store: what went wrong with an open, a change or a close.
#pragma once

#include <string>
#include <system_error>

#include "runtime/result.hpp"

namespace moonring::workspace {

enum class DocumentErrc {
  not_open = 1,    // change or close of a document that is not open
  already_open,    // open of a document that is open
  stale_version,   // a change whose version is not greater than the document's
  past_end,        // a position on a line after the last line of the document
  inverted_range,  // a range whose start comes after its end
  too_large,       // a document of 4 GiB or more (offsets are 32-bit)
};

const std::error_category& document_category() noexcept;
inline std::error_code make_error_code(DocumentErrc e) noexcept {
  return {static_cast<int>(e), document_category()};
}
inline Error document_error(DocumentErrc e, std::string context) {
  return Error{make_error_code(e), std::move(context)};
}

}  // namespace moonring::workspace

template <>
struct std::is_error_code_enum<moonring::workspace::DocumentErrc> : std::true_type {};
