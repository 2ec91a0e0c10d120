// The service's values from lang/lua's (byte ranges, outline kinds): shared by the query files.
#pragma once

#include <string>

#include "lang/lua/query/document_symbols.hpp"
#include "lang/service/types.hpp"
#include "runtime/result.hpp"
#include "workspace/documents/snapshot.hpp"

namespace moonring::lua {

service::Place place(const workspace::Snapshot& doc, std::uint32_t offset);
service::Span span(const workspace::Snapshot& doc, Range r);
// A refusal to show the user as it is (errc::invalid_argument with the sentence as context).
Error refused(std::string message);
Error cancelled();
service::OutlineKind outline_kind(query::OutlineKind kind);

}  // namespace moonring::lua
