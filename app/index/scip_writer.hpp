// Writing SCIP (third_party/scip/scip.proto) as a stream: the Index's metadata field, then each
// Document as its own length-delimited `documents` field, so a document's bytes live only while
// it is written (concatenated Index messages are one valid Index).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "lang/lua/index/document_index.hpp"
#include "runtime/result.hpp"

namespace moonring::app {

// The serialised scip.Document of one indexed file.
std::string scip_document(const lua::index::IndexedDocument& doc);

// The serialised scip.Metadata.
std::string scip_metadata(std::string_view project_root_uri, std::string_view tool_version);

// `bytes` as Index field `field` (1 metadata, 2 documents): tag, length, bytes.
void append_index_field(std::string& out, int field, std::string_view bytes);

// `file://` + the path with the characters a URI cannot hold percent-encoded.
std::string file_uri(std::string_view path);

}  // namespace moonring::app
