// The server's position queries (language.hpp): hover, definition and declaration, references,
// documentHighlight, prepareRename and rename, signatureHelp and documentSymbol. Each answers
// about the open document, or the file on disk when the editor does not have it open.
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "lsp/kinds.hpp"
#include "lsp/language.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "runtime/blocking_pool.hpp"
#include "runtime/io_op.hpp"
#include "workspace/documents/file_uri.hpp"

namespace moonring::lsp {
namespace {

using jsonrpc::Reply;
using nlohmann::json;
constexpr int kRequestFailed = -32803;  // LSP's RequestFailed: a refusal with its reason

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

}  // namespace

// What a service's error becomes: -32800 for a cancelled query, else a refusal with its message.
Reply Language::failed(const Error& error) {
  if (is_cancelled(error)) return Reply::fail(jsonrpc::code::request_cancelled, "cancelled");
  // A refusal (invalid_argument) is the service's sentence as it is.
  if (error.code == std::errc::invalid_argument && !error.context.empty())
    return Reply::fail(kRequestFailed, error.context);
  return Reply::fail(kRequestFailed, error.message());
}

namespace {

// UTF-16 units of the first `bytes` bytes of `text` (a signature's parameter offsets).
std::uint32_t utf16_units(std::string_view text, std::uint32_t bytes) {
  std::uint32_t units = 0;
  for (std::uint32_t i = 0; i < bytes && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

}  // namespace

void Language::route_queries(jsonrpc::Endpoint& endpoint) {
  using F = service::Feature;
  const auto route = [&](F feature, const char* method, auto handler) {
    if (service_->has(feature))
      endpoint.on_request(
          method, [this, handler](const jsonrpc::Message& m) { return (this->*handler)(m); });
  };
  route(F::hover, "textDocument/hover", &Language::hover);
  if (service_->has(F::definition))
    endpoint.on_request("textDocument/definition",
                        [this](const jsonrpc::Message& m) { return definition(m, false); });
  if (service_->has(F::declaration))
    endpoint.on_request("textDocument/declaration",
                        [this](const jsonrpc::Message& m) { return definition(m, true); });
  route(F::references, "textDocument/references", &Language::references);
  route(F::highlight, "textDocument/documentHighlight", &Language::highlight);
  route(F::rename, "textDocument/prepareRename", &Language::prepare_rename);
  route(F::rename, "textDocument/rename", &Language::rename);
  route(F::completion, "textDocument/completion", &Language::completion);
  route(F::completion, "completionItem/resolve", &Language::resolve_completion);
  route(F::signature_help, "textDocument/signatureHelp", &Language::signature_help);
  route(F::document_symbols, "textDocument/documentSymbol", &Language::document_symbols);
}

void Language::append_query_capabilities(std::string& out) const {
  using F = service::Feature;
  const auto add = [&](F feature, const char* json_member) {
    if (service_->has(feature)) out += json_member;
  };
  add(F::hover, ",\"hoverProvider\":true");
  add(F::definition, ",\"definitionProvider\":true");
  add(F::declaration, ",\"declarationProvider\":true");
  add(F::references, ",\"referencesProvider\":true");
  add(F::highlight, ",\"documentHighlightProvider\":true");
  add(F::rename, ",\"renameProvider\":{\"prepareProvider\":true}");
  add(F::completion,
      ",\"completionProvider\":{\"triggerCharacters\":[\".\",\":\"],\"resolveProvider\":true}");
  add(F::signature_help, ",\"signatureHelpProvider\":{\"triggerCharacters\":[\"(\",\",\"]}");
  add(F::document_symbols, ",\"documentSymbolProvider\":true");
}

Task<Language::At> Language::locate(const jsonrpc::Message& m) {
  TextDocumentPositionParams params;
  if (auto error = decode_position_params(m, params)) {
    At at;
    at.error = std::move(*error);
    co_return at;
  }
  co_return co_await locate(std::string(params.uri()), params.position);
}

Task<Language::At> Language::locate(std::string uri, std::optional<Position> position) {
  At at;
  at.uri = std::move(uri);
  at.at.path = path_of(at.uri);
  at.at.document = store_.get(at.uri);
  if (!at.at.document) {
    // Not open: the file as it is on disk.
    const std::string& path = at.at.path;
    std::optional<std::string> text;
    if (path.starts_with('/')) text = co_await run_blocking([&path] { return read_file(path); });
    if (!text) {
      at.error = jsonrpc::ErrorObject{
          jsonrpc::code::invalid_params, "not an open document nor a readable file: " + at.uri, {}};
      co_return at;
    }
    auto doc = std::make_shared<workspace::Snapshot>();
    doc->uri = at.uri;
    doc->text = std::move(*text);
    doc->lines = workspace::LineIndex(doc->text);
    at.at.document = std::move(doc);
  }
  if (!position) co_return at;
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  const Position p = *position;
  if (p.line < 0 || p.line > kMax || p.character < 0 || p.character > kMax) {
    at.error = jsonrpc::ErrorObject{
        jsonrpc::code::invalid_params, "position out of range (0 to 2^31-1)", {}};
    co_return at;
  }
  auto offset = at.at.document->offset_at(
      {static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.character)},
      store_.encoding());
  if (!offset) {
    at.error =
        jsonrpc::ErrorObject{jsonrpc::code::invalid_params,
                             "position " + std::to_string(p.line) + ":" +
                                 std::to_string(p.character) + " is outside the document (" +
                                 std::to_string(at.at.document->lines.line_count()) + " lines)",
                             {}};
    co_return at;
  }
  at.at.offset = static_cast<std::uint32_t>(*offset);
  co_return at;
}

bool Language::unchanged(const At& at) const {
  const workspace::SnapshotPtr now = store_.get(at.uri);
  return !now || now == at.at.document;  // a file read from disk is not the editor's to change
}

void Language::append_span(std::string& out, const service::Span& span) const {
  const bool utf8 = store_.encoding() == workspace::PositionEncoding::utf8;
  append_range(out, Range{{span.start.line, utf8 ? span.start.utf8 : span.start.utf16},
                          {span.end.line, utf8 ? span.end.utf8 : span.end.utf16}});
}

void Language::append_locations(std::string& out,
                                const std::vector<service::Location>& found) const {
  out += '[';
  bool first = true;
  for (const service::Location& l : found) {
    if (!first) out += ',';
    first = false;
    out += "{\"uri\":";
    jsonrpc::append_json_string(out, uri_of(l.path));
    out += ",\"range\":";
    append_span(out, l.span);
    out += '}';
  }
  out += ']';
}

template <typename Ask, typename Write>
Task<Reply> Language::answer(At at, Ask ask, Write write) {
  if (at.error) co_return Reply{"null", std::move(at.error)};
  auto found = co_await ask(at.at);
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  co_return write(*found);
}

Task<Reply> Language::hover(const jsonrpc::Message& m) {
  At at = co_await locate(m);
  auto ask = [this](const service::At& a) { return service_->hover(a, current_token()); };
  auto write = [this](const std::optional<service::Hover>& found) {
    if (!found) return Reply::ok("null");
    std::string out = "{\"contents\":{\"kind\":\"markdown\",\"value\":";
    jsonrpc::append_json_string(out, found->markdown);
    out += "},\"range\":";
    append_span(out, found->span);
    out += '}';
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::definition(const jsonrpc::Message& m, bool declaration) {
  At at = co_await locate(m);
  auto ask = [this, declaration](const service::At& a) {
    return declaration ? service_->declaration(a, current_token())
                       : service_->definition(a, current_token());
  };
  auto write = [this](const std::vector<service::Location>& found) {
    std::string out;
    append_locations(out, found);
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::references(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  bool include_declaration = false;
  if (params.is_object())
    if (auto c = params.find("context"); c != params.end() && c->is_object())
      if (auto d = c->find("includeDeclaration"); d != c->end() && d->is_boolean())
        include_declaration = d->get<bool>();
  At at = co_await locate(m);
  auto ask = [this, include_declaration](const service::At& a) {
    return service_->references(a, include_declaration, current_token());
  };
  auto write = [this](const std::vector<service::Location>& found) {
    std::string out;
    append_locations(out, found);
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::highlight(const jsonrpc::Message& m) {
  At at = co_await locate(m);
  auto ask = [this](const service::At& a) { return service_->highlights(a, current_token()); };
  auto write = [this](const std::vector<service::Occurrence>& found) {
    std::string out = "[";
    for (const service::Occurrence& o : found) {
      if (out.size() > 1) out += ',';
      out += "{\"range\":";
      append_span(out, o.span);
      out += o.write ? ",\"kind\":3}" : ",\"kind\":2}";  // Write, Read
    }
    out += ']';
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::prepare_rename(const jsonrpc::Message& m) {
  At at = co_await locate(m);
  auto ask = [this](const service::At& a) { return service_->prepare_rename(a, current_token()); };
  auto write = [this](const service::RenamePlace& found) {
    std::string out = "{\"range\":";
    append_span(out, found.span);
    out += ",\"placeholder\":";
    jsonrpc::append_json_string(out, found.placeholder);
    out += '}';
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::rename(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const json* name = nullptr;
  if (params.is_object())
    if (auto n = params.find("newName"); n != params.end() && n->is_string()) name = &*n;
  if (!name)
    co_return Reply::fail(jsonrpc::code::invalid_params,
                          "textDocument/rename: missing required field 'newName'");
  std::string new_name = name->get<std::string>();
  At at = co_await locate(m);
  auto ask = [this, new_name = std::move(new_name)](const service::At& a) {
    return service_->rename(a, new_name, current_token());
  };
  auto write = [this](const std::vector<service::TextEdit>& edits) {
    std::map<std::string, std::vector<const service::TextEdit*>> by_file;
    for (const service::TextEdit& e : edits) by_file[e.path].push_back(&e);
    std::string out = "{\"changes\":{";
    bool first_file = true;
    for (const auto& [path, list] : by_file) {
      if (!first_file) out += ',';
      first_file = false;
      jsonrpc::append_json_string(out, uri_of(path));
      out += ":[";
      bool first = true;
      for (const service::TextEdit* e : list) {
        if (!first) out += ',';
        first = false;
        out += "{\"range\":";
        append_span(out, e->span);
        out += ",\"newText\":";
        jsonrpc::append_json_string(out, e->new_text);
        out += '}';
      }
      out += ']';
    }
    out += "}}";
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

Task<Reply> Language::signature_help(const jsonrpc::Message& m) {
  At at = co_await locate(m);
  auto ask = [this](const service::At& a) { return service_->signature_help(a, current_token()); };
  auto write = [this](const std::optional<service::Signature>& found) {
    if (!found) return Reply::ok("null");
    const service::Signature& s = *found;
    const bool utf8 = store_.encoding() == workspace::PositionEncoding::utf8;
    const auto unit = [&](std::uint32_t byte) { return utf8 ? byte : utf16_units(s.label, byte); };
    std::string out = "{\"signatures\":[{\"label\":";
    jsonrpc::append_json_string(out, s.label);
    if (!s.documentation.empty()) {
      out += ",\"documentation\":{\"kind\":\"markdown\",\"value\":";
      jsonrpc::append_json_string(out, s.documentation);
      out += '}';
    }
    out += ",\"parameters\":[";
    for (std::size_t i = 0; i < s.parameters.size(); ++i) {
      if (i != 0) out += ',';
      out += "{\"label\":[" + std::to_string(unit(s.parameters[i].start)) + "," +
             std::to_string(unit(s.parameters[i].end)) + "]}";
    }
    out +=
        "]}],\"activeSignature\":0,\"activeParameter\":" + std::to_string(s.active_parameter) + "}";
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

namespace {

void append_outline(std::string& out, const service::OutlineSymbol& s,
                    const std::function<void(std::string&, const service::Span&)>& span) {
  out += "{\"name\":";
  jsonrpc::append_json_string(out, s.name.empty() ? std::string("?") : s.name);
  if (!s.detail.empty()) {
    out += ",\"detail\":";
    jsonrpc::append_json_string(out, s.detail);
  }
  out += ",\"kind\":" + std::to_string(symbol_kind(s.kind)) + ",\"range\":";
  span(out, s.range);
  out += ",\"selectionRange\":";
  span(out, s.selection);
  if (!s.children.empty()) {
    out += ",\"children\":[";
    for (std::size_t i = 0; i < s.children.size(); ++i) {
      if (i != 0) out += ',';
      append_outline(out, s.children[i], span);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

Task<Reply> Language::document_symbols(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  const json* doc =
      params.is_object() && params.contains("textDocument") ? &params["textDocument"] : nullptr;
  if (!doc || !doc->is_object() || !doc->contains("uri") || !(*doc)["uri"].is_string())
    co_return Reply::fail(jsonrpc::code::invalid_params,
                          "textDocument/documentSymbol: missing required field 'textDocument.uri'");
  std::string uri = (*doc)["uri"].get<std::string>();
  At at = co_await locate(std::move(uri), std::nullopt);
  auto ask = [this](const service::At& a) {
    return service_->document_symbols(a, current_token());
  };
  auto write = [this](const std::vector<service::OutlineSymbol>& found) {
    const auto span = [this](std::string& out, const service::Span& s) { append_span(out, s); };
    std::string out = "[";
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (i != 0) out += ',';
      append_outline(out, found[i], span);
    }
    out += ']';
    return Reply::ok(std::move(out));
  };
  co_return co_await answer(std::move(at), std::move(ask), std::move(write));
}

}  // namespace moonring::lsp
