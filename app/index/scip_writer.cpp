// An IndexedDocument as scip.Document: occurrences (definition, write and read roles), the
// symbols it defines with their hover text, and diagnostics as occurrences without a symbol.
#include "app/index/scip_writer.hpp"

#include <cstring>
#include <span>
#include <vector>

#include "app/index/scip_schema.hpp"

namespace moonring::app {
namespace {

using lua::index::IndexedDocument;
using lua::index::IndexSymbol;
using lua::index::SymbolKind;

scip_schema::Kind kind_of(const IndexSymbol& s) {
  using K = scip_schema::Kind;
  if (s.function) return s.kind == SymbolKind::method ? K::method : K::function;
  switch (s.kind) {
    case SymbolKind::parameter:
      return K::parameter;
    case SymbolKind::field:
    case SymbolKind::module_member:
      return K::field;
    case SymbolKind::method:
      return K::method;
    case SymbolKind::label:
      return K::unspecified;
    case SymbolKind::local:
    case SymbolKind::global:
      return K::variable;
  }
  return K::unspecified;
}

scip_schema::Severity severity_of(service::Severity s) {
  using S = scip_schema::Severity;
  switch (s) {
    case service::Severity::error:
      return S::error;
    case service::Severity::warning:
      return S::warning;
    case service::Severity::information:
      return S::information;
    case service::Severity::hint:
      return S::hint;
  }
  return S::unspecified;
}

// Into a small buffer first: one append per number rather than one per byte.
void append_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

// A varint written at `p` (room for 10 bytes); the end of what was written.
char* put_varint(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// An int32 as protobuf widens it for a varint (a negative one takes ten bytes).
std::uint64_t widened(std::int32_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
}

// scip.Document written field by field as protobuf writes it (fields in number order, proto3
// defaults left out), without building messages: the index writes millions of occurrences.
// index.output decodes it with protoc; the output equals SerializeAsString's byte for byte.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}
  void varint(int field, std::uint64_t v) {
    if (v == 0) return;
    append_varint(out_, static_cast<std::uint64_t>(field) << 3);
    append_varint(out_, v);
  }
  void int32(int field, std::int32_t v) { varint(field, widened(v)); }
  void bytes(int field, std::string_view b) {
    if (b.empty()) return;
    element(field, b);
  }
  // A repeated string's element or an embedded message: written even when empty.
  void element(int field, std::string_view b) {
    append_varint(out_, static_cast<std::uint64_t>(field) << 3 | 2);
    append_varint(out_, b.size());
    out_.append(b);
  }
  template <class Range>
  void packed(int field, const Range& values, std::string& scratch) {
    if (values.empty()) return;
    scratch.clear();
    for (auto v : values)
      append_varint(scratch, static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    element(field, scratch);
  }

 private:
  std::string& out_;
};

// SCIP's range: [line, start, end] on one line, else [start line, start, end line, end].
void encode_range(Encoder& e, const service::Span& s, std::string& scratch) {
  std::int32_t r[4];
  std::size_t n = 0;
  r[n++] = static_cast<std::int32_t>(s.start.line);
  r[n++] = static_cast<std::int32_t>(s.start.utf16);
  if (s.end.line != s.start.line) r[n++] = static_cast<std::int32_t>(s.end.line);
  r[n++] = static_cast<std::int32_t>(s.end.utf16);
  e.packed(1, std::span<const std::int32_t>(r, n), scratch);
}

}  // namespace

std::string scip_document(const IndexedDocument& doc) {
  std::string out, message, inner, scratch;
  // About the document's size, so that the buffer is not copied as it grows.
  std::size_t size = doc.relative_path.size() + 32;
  for (const lua::index::IndexOccurrence& o : doc.occurrences)
    size += 16 + doc.symbols[o.symbol].symbol.size();
  for (const IndexSymbol& s : doc.symbols)
    size += 16 + s.symbol.size() + s.documentation.size() + s.display_name.size();
  out.reserve(size);
  Encoder e(out);
  e.bytes(1, doc.relative_path);
  for (const lua::index::IndexOccurrence& o : doc.occurrences) {
    // What Encoder would write (range, symbol, roles behind the message's length), with the
    // sizes known first: three appends per occurrence instead of one per number.
    char range[40];
    char* r = range;
    r = put_varint(r, widened(static_cast<std::int32_t>(o.span.start.line)));
    r = put_varint(r, widened(static_cast<std::int32_t>(o.span.start.utf16)));
    if (o.span.end.line != o.span.start.line)
      r = put_varint(r, widened(static_cast<std::int32_t>(o.span.end.line)));
    r = put_varint(r, widened(static_cast<std::int32_t>(o.span.end.utf16)));
    const auto range_size = static_cast<std::size_t>(r - range);
    const std::string& symbol = doc.symbols[o.symbol].symbol;
    std::int32_t roles = o.definition ? scip_schema::kDefinition : 0;
    roles |= o.write ? scip_schema::kWriteAccess : scip_schema::kReadAccess;
    char tail[11];
    char* t = tail;
    if (roles != 0) {
      *t++ = static_cast<char>(3 << 3);
      t = put_varint(t, widened(roles));
    }
    const std::size_t length =
        1 + varint_size(range_size) + range_size +
        (symbol.empty() ? 0 : 1 + varint_size(symbol.size()) + symbol.size()) +
        static_cast<std::size_t>(t - tail);
    char head[96];
    char* h = head;
    *h++ = static_cast<char>(2 << 3 | 2);
    h = put_varint(h, length);
    *h++ = static_cast<char>(1 << 3 | 2);
    h = put_varint(h, range_size);
    std::memcpy(h, range, range_size);
    h += range_size;
    if (!symbol.empty()) {
      *h++ = static_cast<char>(2 << 3 | 2);
      h = put_varint(h, symbol.size());
    }
    out.append(head, static_cast<std::size_t>(h - head));
    out.append(symbol);
    out.append(tail, static_cast<std::size_t>(t - tail));
  }
  for (const service::Diagnostic& d : doc.diagnostics) {
    message.clear();
    Encoder m(message);
    encode_range(m, d.span, scratch);
    inner.clear();
    Encoder diag(inner);
    diag.int32(1, static_cast<std::int32_t>(severity_of(d.severity)));
    diag.bytes(2, d.code);
    diag.bytes(3, d.message);
    diag.bytes(4, d.source.empty() ? std::string_view("moonring") : std::string_view(d.source));
    std::vector<std::int32_t> tags;
    for (service::Tag t : d.tags)
      tags.push_back(static_cast<std::int32_t>(t == service::Tag::unnecessary
                                                   ? scip_schema::DiagnosticTag::unnecessary
                                                   : scip_schema::DiagnosticTag::deprecated));
    diag.packed(5, tags, scratch);
    m.element(6, inner);
    e.element(2, message);
  }
  for (const IndexSymbol& s : doc.symbols) {
    if (!s.defined_here && !s.symbol.starts_with("local ")) continue;
    message.clear();
    Encoder m(message);
    m.bytes(1, s.symbol);
    if (!s.documentation.empty()) m.element(3, s.documentation);
    m.int32(5, static_cast<std::int32_t>(kind_of(s)));
    m.bytes(6, s.display_name);
    e.element(3, message);
  }
  e.bytes(4, "Lua");
  e.int32(6, scip_schema::kUtf16CodeUnitOffsetFromLineStart);
  return out;
}

std::string scip_metadata(std::string_view project_root_uri, std::string_view tool_version) {
  // Metadata{version = 1 (UnspecifiedProtocolVersion: the default, left out), tool_info = 2,
  // project_root = 3, text_document_encoding = 4}; ToolInfo{name = 1, version = 2}.
  std::string tool, out;
  Encoder t(tool);
  t.bytes(1, "moonring");
  t.bytes(2, tool_version);
  Encoder m(out);
  m.element(2, tool);
  m.bytes(3, project_root_uri);
  m.int32(4, scip_schema::kUtf8);
  return out;
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
