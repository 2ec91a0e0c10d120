// The server's views of whole files and of the workspace (language.hpp): workspace/symbol,
// foldingRange, selectionRange, documentLink, inlayHint, semanticTokens (full, range, and delta
// against the previous result of the same document) and codeAction quick fixes.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "lsp/kinds.hpp"
#include "lsp/language.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "runtime/io_op.hpp"

namespace moonring::lsp {
namespace {

using jsonrpc::Reply;
using nlohmann::json;

std::optional<std::string> uri_param(const json& params) {
  if (!params.is_object()) return std::nullopt;
  auto doc = params.find("textDocument");
  if (doc == params.end() || !doc->is_object()) return std::nullopt;
  auto uri = doc->find("uri");
  if (uri == doc->end() || !uri->is_string()) return std::nullopt;
  return uri->get<std::string>();
}

std::optional<Position> position_of(const json& j) {
  if (!j.is_object() || !j.contains("line") || !j.contains("character")) return std::nullopt;
  if (!j["line"].is_number_unsigned() || !j["character"].is_number_unsigned()) return std::nullopt;
  return Position{j["line"].get<std::int64_t>(), j["character"].get<std::int64_t>()};
}

std::optional<Range> range_of(const json& j) {
  if (!j.is_object() || !j.contains("start") || !j.contains("end")) return std::nullopt;
  auto start = position_of(j["start"]);
  auto end = position_of(j["end"]);
  if (!start || !end) return std::nullopt;
  return Range{*start, *end};
}

Reply missing(const char* method, const char* what) {
  return Reply::fail(jsonrpc::code::invalid_params,
                     std::string(method) + ": missing or malformed '" + what + "'");
}

void append_numbers(std::string& out, const std::vector<std::uint32_t>& data, std::size_t from,
                    std::size_t to) {
  out += '[';
  for (std::size_t i = from; i < to; ++i) {
    if (i != from) out += ',';
    out += std::to_string(data[i]);
  }
  out += ']';
}

}  // namespace

std::optional<service::ByteRange> Language::byte_range(const At& at, const Range& range) const {
  auto offsets = at.at.document->offsets_of({{static_cast<std::uint32_t>(range.start.line),
                                              static_cast<std::uint32_t>(range.start.character)},
                                             {static_cast<std::uint32_t>(range.end.line),
                                              static_cast<std::uint32_t>(range.end.character)}},
                                            store_.encoding());
  if (!offsets) return std::nullopt;
  return service::ByteRange{static_cast<std::uint32_t>(offsets->first),
                            static_cast<std::uint32_t>(offsets->second)};
}

std::uint32_t Language::column(const service::Place& place) const {
  return store_.encoding() == workspace::PositionEncoding::utf8 ? place.utf8 : place.utf16;
}

void Language::append_view_capabilities(std::string& out) const {
  using F = service::Feature;
  if (service_->has(F::workspace_symbols)) out += ",\"workspaceSymbolProvider\":true";
  if (service_->has(F::folding)) out += ",\"foldingRangeProvider\":true";
  if (service_->has(F::selection)) out += ",\"selectionRangeProvider\":true";
  if (service_->has(F::links)) out += ",\"documentLinkProvider\":{\"resolveProvider\":false}";
  if (service_->has(F::inlay_hints)) out += ",\"inlayHintProvider\":true";
  if (service_->has(F::code_actions))
    out += ",\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\"]}";
  if (service_->has(F::semantic_tokens)) {
    const service::TokenLegend legend = service_->token_legend();
    const auto list = [&](const std::vector<std::string>& names) {
      out += '[';
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (i != 0) out += ',';
        jsonrpc::append_json_string(out, names[i]);
      }
      out += ']';
    };
    out += ",\"semanticTokensProvider\":{\"legend\":{\"tokenTypes\":";
    list(legend.types);
    out += ",\"tokenModifiers\":";
    list(legend.modifiers);
    out += "},\"range\":true,\"full\":{\"delta\":true}}";
  }
}

void Language::route_views(jsonrpc::Endpoint& endpoint) {
  using F = service::Feature;
  const auto route = [&](F feature, const char* method, auto handler) {
    if (service_->has(feature))
      endpoint.on_request(
          method, [this, handler](const jsonrpc::Message& m) { return (this->*handler)(m); });
  };
  route(F::workspace_symbols, "workspace/symbol", &Language::workspace_symbols);
  route(F::folding, "textDocument/foldingRange", &Language::folding);
  route(F::selection, "textDocument/selectionRange", &Language::selection);
  route(F::links, "textDocument/documentLink", &Language::links);
  route(F::inlay_hints, "textDocument/inlayHint", &Language::inlay_hints);
  route(F::code_actions, "textDocument/codeAction", &Language::code_actions);
  if (service_->has(F::semantic_tokens)) {
    endpoint.on_request("textDocument/semanticTokens/full", [this](const jsonrpc::Message& m) {
      return semantic_tokens(m, TokensRequest::full);
    });
    endpoint.on_request(
        "textDocument/semanticTokens/full/delta",
        [this](const jsonrpc::Message& m) { return semantic_tokens(m, TokensRequest::delta); });
    endpoint.on_request("textDocument/semanticTokens/range", [this](const jsonrpc::Message& m) {
      return semantic_tokens(m, TokensRequest::range);
    });
  }
}

Task<Reply> Language::workspace_symbols(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  if (!params.is_object() || !params.contains("query") || !params["query"].is_string())
    co_return missing("workspace/symbol", "query");
  auto found =
      co_await service_->workspace_symbols(params["query"].get<std::string>(), current_token());
  if (!found) co_return failed(found.error());
  std::string out = "[";
  for (const service::SymbolInfo& s : *found) {
    if (out.size() > 1) out += ',';
    out += "{\"name\":";
    jsonrpc::append_json_string(out, s.name);
    out += ",\"kind\":" + std::to_string(symbol_kind(s.kind));
    if (!s.container.empty()) {
      out += ",\"containerName\":";
      jsonrpc::append_json_string(out, s.container);
    }
    out += ",\"location\":{\"uri\":";
    jsonrpc::append_json_string(out, uri_of(s.location.path));
    out += ",\"range\":";
    append_span(out, s.location.span);
    out += "}}";
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

Task<Reply> Language::folding(const jsonrpc::Message& m) {
  auto uri = uri_param(json::parse(m.params, nullptr, false));
  if (!uri) co_return missing("textDocument/foldingRange", "textDocument.uri");
  At at = co_await locate(std::move(*uri), std::nullopt);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  auto found = co_await service_->folding(at.at, current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  std::string out = "[";
  for (const service::Fold& f : *found) {
    if (out.size() > 1) out += ',';
    out += "{\"startLine\":" + std::to_string(f.first_line) +
           ",\"endLine\":" + std::to_string(f.last_line) +
           (f.comment ? ",\"kind\":\"comment\"}" : ",\"kind\":\"region\"}");
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

Task<Reply> Language::selection(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  auto uri = uri_param(params);
  if (!uri) co_return missing("textDocument/selectionRange", "textDocument.uri");
  if (!params.contains("positions") || !params["positions"].is_array())
    co_return missing("textDocument/selectionRange", "positions");
  std::vector<Position> positions;
  for (const json& p : params["positions"]) {
    auto at = position_of(p);
    if (!at) co_return missing("textDocument/selectionRange", "positions");
    positions.push_back(*at);
  }
  std::string out = "[";
  for (const Position& p : positions) {
    At at = co_await locate(*uri, p);
    if (at.error) co_return Reply{"null", std::move(at.error)};
    auto found = co_await service_->selection(at.at, current_token());
    if (!found) co_return failed(found.error());
    if (out.size() > 1) out += ',';
    // The service lists them innermost first; LSP nests each in its parent: built outside in.
    std::string chain;
    for (auto it = found->rbegin(); it != found->rend(); ++it) {
      std::string level = "{\"range\":";
      append_span(level, *it);
      if (!chain.empty()) level += ",\"parent\":" + chain;
      level += '}';
      chain = std::move(level);
    }
    if (chain.empty()) {
      chain = "{\"range\":";
      append_range(chain, Range{p, p});
      chain += '}';
    }
    out += chain;
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

Task<Reply> Language::links(const jsonrpc::Message& m) {
  auto uri = uri_param(json::parse(m.params, nullptr, false));
  if (!uri) co_return missing("textDocument/documentLink", "textDocument.uri");
  At at = co_await locate(std::move(*uri), std::nullopt);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  auto found = co_await service_->links(at.at, current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  std::string out = "[";
  for (const service::Link& l : *found) {
    if (out.size() > 1) out += ',';
    out += "{\"range\":";
    append_span(out, l.span);
    out += ",\"target\":";
    jsonrpc::append_json_string(out, uri_of(l.target));
    out += '}';
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

Task<Reply> Language::inlay_hints(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  auto uri = uri_param(params);
  if (!uri) co_return missing("textDocument/inlayHint", "textDocument.uri");
  auto range = params.contains("range") ? range_of(params["range"]) : std::nullopt;
  if (!range) co_return missing("textDocument/inlayHint", "range");
  At at = co_await locate(std::move(*uri), std::nullopt);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  auto within = byte_range(at, *range);
  if (!within)
    co_return Reply::fail(jsonrpc::code::invalid_params,
                          "textDocument/inlayHint: range outside the document");
  auto found = co_await service_->inlay_hints(at.at, *within, current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  std::string out = "[";
  for (const service::InlayHint& h : *found) {
    if (out.size() > 1) out += ',';
    out += "{\"position\":";
    append_position(out, Position{h.at.line, column(h.at)});
    out += ",\"label\":";
    jsonrpc::append_json_string(out, h.label);
    out += ",\"kind\":2,\"paddingRight\":true}";  // Parameter
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

Task<Reply> Language::semantic_tokens(const jsonrpc::Message& m, TokensRequest kind) {
  json params = json::parse(m.params, nullptr, false);
  auto uri = uri_param(params);
  const char* method = "textDocument/semanticTokens";
  if (!uri) co_return missing(method, "textDocument.uri");
  std::optional<Range> range;
  if (kind == TokensRequest::range) {
    range = params.contains("range") ? range_of(params["range"]) : std::nullopt;
    if (!range) co_return missing(method, "range");
  }
  std::string previous;
  if (kind == TokensRequest::delta) {
    if (!params.contains("previousResultId") || !params["previousResultId"].is_string())
      co_return missing(method, "previousResultId");
    previous = params["previousResultId"].get<std::string>();
  }
  At at = co_await locate(std::move(*uri), std::nullopt);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  std::optional<service::ByteRange> within;
  if (range) {
    within = byte_range(at, *range);
    if (!within) co_return Reply::fail(jsonrpc::code::invalid_params, "range outside the document");
  }
  auto found = co_await service_->semantic_tokens(at.at, within, current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  // LSP's relative encoding: line delta, start delta (on the same line), length, type, modifiers.
  std::vector<std::uint32_t> data;
  data.reserve(found->size() * 5);
  std::uint32_t line = 0;
  std::uint32_t start = 0;
  for (const service::SemanticToken& t : *found) {
    const std::uint32_t l = t.span.start.line;
    const std::uint32_t c = column(t.span.start);
    const std::uint32_t end = t.span.end.line == l ? column(t.span.end) : c;
    data.insert(data.end(), {l - line, l == line ? c - start : c, end - c, t.type, t.modifiers});
    line = l;
    start = c;
  }
  if (kind == TokensRequest::range) {
    std::string out = "{\"data\":";
    append_numbers(out, data, 0, data.size());
    out += '}';
    co_return Reply::ok(std::move(out));
  }
  const std::string id = std::to_string(++tokens_results_);
  TokensResult& last = tokens_[at.uri];
  std::string out = "{\"resultId\":\"" + id + "\",";
  if (kind == TokensRequest::delta && last.id == previous && !last.id.empty()) {
    // One edit: what lies between the common prefix and the common suffix.
    const std::vector<std::uint32_t>& old = last.data;
    std::size_t prefix = 0;
    while (prefix < old.size() && prefix < data.size() && old[prefix] == data[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < old.size() - prefix && suffix < data.size() - prefix &&
           old[old.size() - 1 - suffix] == data[data.size() - 1 - suffix])
      ++suffix;
    out += "\"edits\":[";
    if (prefix != old.size() || prefix != data.size()) {
      out += "{\"start\":" + std::to_string(prefix) +
             ",\"deleteCount\":" + std::to_string(old.size() - prefix - suffix) + ",\"data\":";
      append_numbers(out, data, prefix, data.size() - suffix);
      out += '}';
    }
    out += "]}";
  } else {
    out += "\"data\":";
    append_numbers(out, data, 0, data.size());
    out += '}';
  }
  last.id = id;
  last.data = std::move(data);
  co_return Reply::ok(std::move(out));
}

std::string Language::workspace_edit(const At& at,
                                     const std::vector<service::TextEdit>& edits) const {
  // The files in the order first named, each with its edits.
  std::vector<std::pair<std::string, std::vector<const service::TextEdit*>>> files;
  bool creates = false;
  for (const service::TextEdit& e : edits) {
    creates = creates || e.creates;
    auto it =
        std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == e.path; });
    if (it == files.end())
      it = files.emplace(files.end(), e.path, std::vector<const service::TextEdit*>{});
    it->second.push_back(&e);
  }
  if (creates && !client_.create_files) return {};
  const auto uri = [&](const std::string& path) {
    return path == at.at.path ? at.uri : uri_of(path);
  };
  const auto append_edits = [&](std::string& out,
                                const std::vector<const service::TextEdit*>& list) {
    out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i != 0) out += ',';
      out += "{\"range\":";
      append_span(out, list[i]->span);
      out += ",\"newText\":";
      jsonrpc::append_json_string(out, list[i]->new_text);
      out += '}';
    }
    out += ']';
  };
  std::string out;
  if (client_.document_changes) {
    // Versioned edits, and CreateFile before the edit that fills a new file.
    out = "{\"documentChanges\":[";
    bool first = true;
    for (const auto& [path, list] : files) {
      if (!first) out += ',';
      first = false;
      const bool create =
          std::any_of(list.begin(), list.end(), [](const auto* e) { return e->creates; });
      if (create) {
        out += "{\"kind\":\"create\",\"uri\":";
        jsonrpc::append_json_string(out, uri(path));
        out += ",\"options\":{\"ignoreIfExists\":true}},";
      }
      out += "{\"textDocument\":{\"uri\":";
      jsonrpc::append_json_string(out, uri(path));
      out += ",\"version\":";
      const workspace::SnapshotPtr open = store_.get_by_path(path);
      out += open ? std::to_string(open->version) : std::string("null");
      out += "},\"edits\":";
      append_edits(out, list);
      out += '}';
    }
    out += "]}";
    return out;
  }
  out = "{\"changes\":{";
  bool first = true;
  for (const auto& [path, list] : files) {
    if (!first) out += ',';
    first = false;
    jsonrpc::append_json_string(out, uri(path));
    out += ':';
    append_edits(out, list);
  }
  out += "}}";
  return out;
}

Task<Reply> Language::code_actions(const jsonrpc::Message& m) {
  json params = json::parse(m.params, nullptr, false);
  auto uri = uri_param(params);
  if (!uri) co_return missing("textDocument/codeAction", "textDocument.uri");
  const json context = params.value("context", json::object());
  const json diagnostics =
      context.is_object() ? context.value("diagnostics", json::array()) : json();
  if (!diagnostics.is_array()) co_return missing("textDocument/codeAction", "context.diagnostics");
  At at = co_await locate(std::move(*uri), std::nullopt);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  std::vector<service::FixableDiagnostic> fixable;
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const json& d = diagnostics[i];
    if (!d.is_object() || !d.contains("code") || !d["code"].is_string()) continue;
    auto range = d.contains("range") ? range_of(d["range"]) : std::nullopt;
    if (!range) continue;
    auto bytes = byte_range(at, *range);
    if (!bytes) continue;
    fixable.push_back({d["code"].get<std::string>(), bytes->start, i});
  }
  if (fixable.empty()) co_return Reply::ok("[]");
  auto found = co_await service_->quick_fixes(at.at, std::move(fixable), current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  std::string out = "[";
  for (const service::QuickFix& f : *found) {
    std::string edit = workspace_edit(at, f.edits);
    if (edit.empty()) continue;  // the client cannot make the file the fix needs
    if (out.size() > 1) out += ',';
    out += "{\"title\":";
    jsonrpc::append_json_string(out, f.title);
    out += ",\"kind\":\"quickfix\",\"diagnostics\":[" +
           diagnostics[f.diagnostic].dump(-1, ' ', false, json::error_handler_t::replace) + "]";
    if (f.preferred) out += ",\"isPreferred\":true";
    out += ",\"edit\":" + edit + '}';
  }
  out += ']';
  co_return Reply::ok(std::move(out));
}

}  // namespace moonring::lsp
