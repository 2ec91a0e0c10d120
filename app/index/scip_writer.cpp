// An IndexedDocument as scip.Document: occurrences (definition, write and read roles), the
// symbols it defines with their hover text, and diagnostics as occurrences without a symbol.
#include "app/index/scip_writer.hpp"

#include "scip.pb.h"

namespace moonring::app {
namespace {

using lua::index::IndexedDocument;
using lua::index::IndexSymbol;
using lua::index::SymbolKind;

// SCIP's range: [line, start, end] on one line, else [start line, start, end line, end].
void set_range(google::protobuf::RepeatedField<std::int32_t>* range, const service::Span& s) {
  range->Add(static_cast<std::int32_t>(s.start.line));
  range->Add(static_cast<std::int32_t>(s.start.utf16));
  if (s.end.line != s.start.line) range->Add(static_cast<std::int32_t>(s.end.line));
  range->Add(static_cast<std::int32_t>(s.end.utf16));
}

scip::SymbolInformation_Kind kind_of(const IndexSymbol& s) {
  using K = scip::SymbolInformation;
  if (s.function) return s.kind == SymbolKind::method ? K::Method : K::Function;
  switch (s.kind) {
    case SymbolKind::parameter:
      return K::Parameter;
    case SymbolKind::field:
    case SymbolKind::module_member:
      return K::Field;
    case SymbolKind::method:
      return K::Method;
    case SymbolKind::label:
      return K::UnspecifiedKind;
    case SymbolKind::local:
    case SymbolKind::global:
      return K::Variable;
  }
  return K::UnspecifiedKind;
}

scip::Severity severity_of(service::Severity s) {
  switch (s) {
    case service::Severity::error:
      return scip::Error;
    case service::Severity::warning:
      return scip::Warning;
    case service::Severity::information:
      return scip::Information;
    case service::Severity::hint:
      return scip::Hint;
  }
  return scip::UnspecifiedSeverity;
}

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

}  // namespace

std::string scip_document(const IndexedDocument& doc) {
  scip::Document out;
  out.set_language("Lua");
  out.set_relative_path(doc.relative_path);
  out.set_position_encoding(scip::UTF16CodeUnitOffsetFromLineStart);
  for (const lua::index::IndexOccurrence& o : doc.occurrences) {
    scip::Occurrence* occ = out.add_occurrences();
    set_range(occ->mutable_range(), o.span);
    occ->set_symbol(doc.symbols[o.symbol].symbol);
    std::int32_t roles = o.definition ? scip::Definition : 0;
    roles |= o.write ? scip::WriteAccess : scip::ReadAccess;
    occ->set_symbol_roles(roles);
  }
  for (const service::Diagnostic& d : doc.diagnostics) {
    scip::Occurrence* occ = out.add_occurrences();
    set_range(occ->mutable_range(), d.span);
    scip::Diagnostic* diag = occ->add_diagnostics();
    diag->set_severity(severity_of(d.severity));
    diag->set_code(d.code);
    diag->set_message(d.message);
    diag->set_source(d.source.empty() ? "moonring" : d.source);
    for (service::Tag t : d.tags)
      diag->add_tags(t == service::Tag::unnecessary ? scip::Unnecessary : scip::Deprecated);
  }
  for (const IndexSymbol& s : doc.symbols) {
    if (!s.defined_here && !s.symbol.starts_with("local ")) continue;
    scip::SymbolInformation* info = out.add_symbols();
    info->set_symbol(s.symbol);
    info->set_display_name(s.display_name);
    info->set_kind(kind_of(s));
    if (!s.documentation.empty()) info->add_documentation(s.documentation);
  }
  return out.SerializeAsString();
}

std::string scip_metadata(std::string_view project_root_uri, std::string_view tool_version) {
  scip::Metadata meta;
  meta.set_version(scip::UnspecifiedProtocolVersion);
  meta.mutable_tool_info()->set_name("moonring");
  meta.mutable_tool_info()->set_version(std::string(tool_version));
  meta.set_project_root(std::string(project_root_uri));
  meta.set_text_document_encoding(scip::UTF8);
  return meta.SerializeAsString();
}

void append_index_field(std::string& out, int field, std::string_view bytes) {
  append_varint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  append_varint(out, bytes.size());
  out.append(bytes);
}

std::string file_uri(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace moonring::app
