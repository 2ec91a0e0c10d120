// The language-neutral values a LanguageService answers with: places in a file (byte offsets,
// and line/column in both units a client may negotiate), diagnostics, hovers, locations. A
// language fills them in its own terms; lsp/ turns them into LSP JSON (STYLE.md #2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moonring::service {

// Bytes [start, end) of a file's text.
struct ByteRange {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  bool operator==(const ByteRange&) const = default;
};

// A place as a client counts it: 0-based line, 0-based column in UTF-8 bytes and in UTF-16
// units (the two position encodings the server offers).
struct Place {
  std::uint32_t line = 0;
  std::uint32_t utf8 = 0;
  std::uint32_t utf16 = 0;
  bool operator==(const Place&) const = default;
};

// A span of a file with both its bytes and its line/column ends.
struct Span {
  ByteRange bytes;
  Place start;
  Place end;
  bool operator==(const Span&) const = default;
};

enum class Severity : std::uint8_t { error = 1, warning = 2, information = 3, hint = 4 };
// "error", "warning", "information", "hint".
std::string_view severity_name(Severity severity);

// Diagnostic tags (LSP's values): the code is unnecessary (unused, unreachable) or deprecated.
enum class Tag : std::uint8_t { unnecessary = 1, deprecated = 2 };

struct Location {
  std::string path;  // absolute
  Span span;
};

struct RelatedInformation {
  Location location;
  std::string message;
};

struct Diagnostic {
  Span span;
  Severity severity = Severity::warning;
  std::string code;  // the language's stable code ("unused-local")
  std::string source;
  std::string message;
  std::vector<Tag> tags;
  std::vector<RelatedInformation> related;
};

// Every diagnostic of one file as it stands now. `version` is the open document's version the
// diagnostics were computed on; unset for a file read from disk.
struct FileDiagnostics {
  std::string path;
  std::optional<std::int64_t> version;
  std::vector<Diagnostic> diagnostics;
};

struct Hover {
  std::string markdown;
  Span span;  // what the hover is about
};

// An occurrence of a name in its file (documentHighlight): writes assign or declare it.
struct Occurrence {
  Span span;
  bool write = false;
};

struct TextEdit {
  std::string path;
  Span span;
  std::string new_text;
  bool creates = false;  // the file does not exist yet: the edit makes it (span empty at 0)
};

// What prepareRename found: the name's span and its current spelling.
struct RenamePlace {
  Span span;
  std::string placeholder;
};

enum class CompletionKind : std::uint8_t {
  local,
  parameter,
  global,
  function,
  field,
  method,
  module,
  keyword,
  snippet,  // `snippet` holds the insert text in LSP snippet syntax
};

struct CompletionItem {
  std::string label;
  CompletionKind kind = CompletionKind::local;
  std::string detail;
  std::string documentation;  // markdown
  std::string snippet;
};

struct Completion {
  Span replace;  // the part of the name already typed
  std::vector<CompletionItem> items;
};

struct Signature {
  std::string label;
  std::vector<ByteRange> parameters;  // byte ranges in `label`
  std::uint32_t active_parameter = 0;
  std::string documentation;  // markdown
};

enum class OutlineKind : std::uint8_t { function, method, variable, constant, field, module };

struct OutlineSymbol {
  std::string name;
  std::string detail;
  OutlineKind kind = OutlineKind::variable;
  Span range;      // the whole declaration
  Span selection;  // its name
  std::vector<OutlineSymbol> children;
};

// A foldable region by lines: the first and the last line to fold (the closing line stays).
struct Fold {
  std::uint32_t first_line = 0;
  std::uint32_t last_line = 0;
  bool comment = false;
};

// A link in a file to another file (a `require`d module).
struct Link {
  Span span;
  std::string target;  // absolute path
};

struct SymbolInfo {
  std::string name;
  std::string container;
  OutlineKind kind = OutlineKind::function;
  Location location;
};

// A hint shown before `at` (a parameter's name before an argument).
struct InlayHint {
  Place at;
  std::string label;
};

// One classified name; `type` and `modifiers` index the service's token legend.
struct SemanticToken {
  Span span;  // within one line
  std::uint32_t type = 0;
  std::uint32_t modifiers = 0;  // bit i: legend modifier i
};
struct TokenLegend {
  std::vector<std::string> types;
  std::vector<std::string> modifiers;
};

// A diagnostic a quick fix may be offered for: its code and where it starts.
struct FixableDiagnostic {
  std::string code;
  std::uint32_t offset = 0;
  std::size_t index = 0;  // the caller's index of it, echoed in the fixes it gets
};
struct QuickFix {
  std::string title;
  std::vector<TextEdit> edits;
  std::size_t diagnostic = 0;  // FixableDiagnostic::index
  bool preferred = false;
};

}  // namespace moonring::service
