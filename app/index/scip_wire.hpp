// Reading protobuf's wire format without a protobuf runtime: whether the bytes of a SCIP
// message are well formed (every field's tag, length and nested message, as scip_schema
// describes them), and the one field the merge needs from a document.
#pragma once

#include <optional>
#include <string_view>

#include "app/index/scip_schema.hpp"

namespace moonring::app {

// Whether `bytes` parse as message `m`: every field complete, of a wire type protobuf 3 writes
// (varint, 64-bit, length-delimited, 32-bit), and each embedded message well formed in turn.
// Strings are not checked for UTF-8.
bool well_formed(std::string_view bytes, scip_schema::Message m);

// A scip.Document's relative_path (field 1; the last one, as protobuf reads repeated scalars),
// or nullopt when the bytes are not a well-formed Document.
std::optional<std::string_view> document_relative_path(std::string_view document);

}  // namespace moonring::app
